import { CHART_STYLE } from './chart-style.js';
import { escapeXml } from './escape-xml.js';

/** The frame every chart shares: the svg element, a white background, the title and the y label. */
export function svgDocument(title: string, yLabel: string, parts: readonly string[]): string {
  const { width, height, margin, font, axis } = CHART_STYLE;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" viewBox="0 0 ${String(width)} ${String(height)}" ${font} role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${String(width)}" height="${String(height)}" fill="#ffffff"/>`,
    `<text x="${String(width / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="600" fill="${axis}">${escapeXml(title)}</text>`,
    `<text transform="translate(18 ${String(margin.top + (height - margin.top - margin.bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="12" fill="${axis}">${escapeXml(yLabel)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
