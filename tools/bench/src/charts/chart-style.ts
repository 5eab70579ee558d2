/** One look for every chart: size, margins, font and a palette that stays readable in grey. */
export const CHART_STYLE = {
  width: 720,
  height: 400,
  margin: { top: 48, right: 24, bottom: 72, left: 84 },
  font: 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"',
  palette: ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#64748b'],
  grid: '#e5e7eb',
  axis: '#374151',
} as const;
