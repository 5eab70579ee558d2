import { CHART_STYLE } from './chart-style.js';
import { escapeXml } from './escape-xml.js';
import { formatQuantity } from './format-quantity.js';
import { niceTicks } from './nice-ticks.js';
import { svgDocument } from './svg-document.js';

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Fleet sizes and the like span decades: a log x axis keeps them evenly apart. */
  readonly xLog: boolean;
  readonly series: readonly { readonly name: string; readonly points: readonly (readonly [x: number, y: number])[] }[];
}

/** Lines with a marker per point, over a linear y axis from 0. */
export function renderLineChart(chart: LineChart): string {
  const { width, height, margin, palette, grid, axis } = CHART_STYLE;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const points = chart.series.flatMap((series) => series.points);
  const xs = [...new Set(points.map(([x]) => x))].sort((a, b) => a - b);
  const scaleX = chart.xLog
    ? (x: number): number => Math.log10(Math.max(x, Number.MIN_VALUE))
    : (x: number): number => x;
  const xMin = scaleX(xs[0] ?? 0);
  const xSpan = scaleX(xs[xs.length - 1] ?? 1) - xMin || 1;
  const ticks = niceTicks(Math.max(0, ...points.map(([, y]) => y)));
  const top = ticks[ticks.length - 1] ?? 1;
  const px = (x: number): number => margin.left + 16 + ((scaleX(x) - xMin) / xSpan) * (plotWidth - 32);
  const py = (y: number): number => margin.top + plotHeight - (y / top) * plotHeight;
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${String(margin.left)}" x2="${String(width - margin.right)}" y1="${py(tick).toFixed(1)}" y2="${py(tick).toFixed(1)}" stroke="${grid}"/>`,
    );
    parts.push(
      `<text x="${String(margin.left - 8)}" y="${(py(tick) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="${axis}">${escapeXml(formatQuantity(tick))}</text>`,
    );
  }
  for (const x of xs) {
    parts.push(
      `<text x="${px(x).toFixed(1)}" y="${String(height - margin.bottom + 18)}" text-anchor="middle" font-size="12" fill="${axis}">${escapeXml(formatQuantity(x))}</text>`,
    );
  }
  parts.push(
    `<line x1="${String(margin.left)}" x2="${String(width - margin.right)}" y1="${py(0).toFixed(1)}" y2="${py(0).toFixed(1)}" stroke="${axis}"/>`,
  );
  parts.push(
    `<text x="${String(margin.left + plotWidth / 2)}" y="${String(height - margin.bottom + 38)}" text-anchor="middle" font-size="12" fill="${axis}">${escapeXml(chart.xLabel)}</text>`,
  );
  chart.series.forEach((series, seriesIndex) => {
    const colour = palette[seriesIndex % palette.length] ?? axis;
    const sorted = [...series.points].sort((a, b) => a[0] - b[0]);
    const path = sorted
      .map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${px(x).toFixed(1)} ${py(y).toFixed(1)}`)
      .join(' ');
    if (sorted.length > 0) parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [x, y] of sorted) {
      parts.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${colour}"><title>${escapeXml(`${series.name} at ${x.toLocaleString('en-US')}: ${y.toLocaleString('en-US')}`)}</title></circle>`,
      );
    }
    const legendX = margin.left + seriesIndex * 150;
    parts.push(
      `<line x1="${String(legendX)}" x2="${String(legendX + 14)}" y1="${String(height - 18)}" y2="${String(height - 18)}" stroke="${colour}" stroke-width="3"/>`,
    );
    parts.push(
      `<text x="${String(legendX + 20)}" y="${String(height - 14)}" font-size="12" fill="${axis}">${escapeXml(series.name)}</text>`,
    );
  });
  return svgDocument(chart.title, chart.yLabel, parts);
}
