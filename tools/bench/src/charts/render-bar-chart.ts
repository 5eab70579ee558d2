import { CHART_STYLE } from './chart-style.js';
import { escapeXml } from './escape-xml.js';
import { formatQuantity } from './format-quantity.js';
import { niceTicks } from './nice-ticks.js';
import { svgDocument } from './svg-document.js';

export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  /** Under the group labels: what they are. */
  readonly xLabel?: string;
  /** The groups along the x axis. */
  readonly groups: readonly string[];
  /** One bar per group for each series; undefined leaves a gap (the system was not measured there). */
  readonly series: readonly { readonly name: string; readonly values: readonly (number | undefined)[] }[];
}

/** A grouped bar chart as a standalone SVG document, each bar labelled with its value. */
export function renderBarChart(chart: BarChart): string {
  const { width, height, margin, palette, grid, axis } = CHART_STYLE;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const values = chart.series.flatMap((series) =>
    series.values.filter((value): value is number => value !== undefined),
  );
  const ticks = niceTicks(Math.max(0, ...values));
  const top = ticks[ticks.length - 1] ?? 1;
  const y = (value: number): number => margin.top + plotHeight - (value / top) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, chart.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${String(margin.left)}" x2="${String(width - margin.right)}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="${grid}"/>`,
    );
    parts.push(
      `<text x="${String(margin.left - 8)}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="${axis}">${escapeXml(formatQuantity(tick))}</text>`,
    );
  }
  chart.groups.forEach((group, groupIndex) => {
    const groupLeft = margin.left + groupIndex * groupWidth + groupWidth * 0.1;
    chart.series.forEach((series, seriesIndex) => {
      const value = series.values[groupIndex];
      if (value === undefined) return;
      const x = groupLeft + seriesIndex * barWidth;
      const colour = palette[seriesIndex % palette.length] ?? axis;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}" fill="${colour}"><title>${escapeXml(`${series.name}, ${group}: ${value.toLocaleString('en-US')}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y(value) - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="${axis}">${escapeXml(formatQuantity(value))}</text>`,
      );
    });
    parts.push(
      `<text x="${(margin.left + (groupIndex + 0.5) * groupWidth).toFixed(1)}" y="${String(height - margin.bottom + 18)}" text-anchor="middle" font-size="12" fill="${axis}">${escapeXml(group)}</text>`,
    );
  });
  parts.push(
    `<line x1="${String(margin.left)}" x2="${String(width - margin.right)}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="${axis}"/>`,
  );
  if (chart.xLabel !== undefined) {
    parts.push(
      `<text x="${String(margin.left + plotWidth / 2)}" y="${String(height - margin.bottom + 36)}" text-anchor="middle" font-size="12" fill="${axis}">${escapeXml(chart.xLabel)}</text>`,
    );
  }
  const legendY = height - 22;
  chart.series.forEach((series, seriesIndex) => {
    const x = margin.left + seriesIndex * 170;
    parts.push(
      `<rect x="${String(x)}" y="${String(legendY - 10)}" width="12" height="12" fill="${palette[seriesIndex % palette.length] ?? axis}"/>`,
    );
    parts.push(
      `<text x="${String(x + 18)}" y="${String(legendY)}" font-size="12" fill="${axis}">${escapeXml(series.name)}</text>`,
    );
  });
  return svgDocument(chart.title, chart.yLabel, parts);
}
