/** Short labels for axes and bars: 1.2M, 45k, 980, 0.35. */
export function formatQuantity(value: number): string {
  const magnitude = Math.abs(value);
  const trim = (text: string): string => text.replace(/\.0$/, '');
  if (magnitude >= 1e9) return `${trim((value / 1e9).toFixed(1))}G`;
  if (magnitude >= 1e6) return `${trim((value / 1e6).toFixed(1))}M`;
  if (magnitude >= 1e4) return `${trim((value / 1e3).toFixed(0))}k`;
  if (magnitude >= 1e3) return `${trim((value / 1e3).toFixed(1))}k`;
  if (magnitude >= 10 || magnitude === 0) return value.toFixed(0);
  return trim(value.toFixed(2));
}
