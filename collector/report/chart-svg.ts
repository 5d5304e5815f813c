import { SEVERITIES } from '../policy/types.js';
import { SEVERITY_COLORS } from './html-style.js';
import { esc } from './html-text.js';
import type { Translator } from './messages.js';
import type { Trend, TrendBucket } from './report-model.js';

/* The trend as an inline SVG bar chart: drawn here, no script, no library. */

const WIDTH = 960;
const HEIGHT = 280;
const MARGIN = { top: 18, right: 12, bottom: 36, left: 44 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Labels on the time axis before every other one is left out. */
const X_LABELS_MAX = 12;
/** Bars with a count written above them, at most. */
const COUNTED_BARS_MAX = 40;
const Y_TICKS = 4;
const BAR_SHARE = 0.72;

/**
 * One `<g class="bucket">` per bucket (empty ones too) holding one
 * `<rect class="seg">` per severity present, critical at the bottom, and
 * a `<title>` a reader sees on hover.
 */
export function trendSvg(trend: Trend, t: Translator): string {
  const top = Math.max(1, ...trend.buckets.map((b) => b.total));
  const step = niceStep(top / Y_TICKS);
  const yMax = Math.ceil(top / step) * step;
  const slot = PLOT_W / Math.max(1, trend.buckets.length);
  const caption = t('trend.caption', {
    unit: t(`trend.unit.${trend.unit}`),
  });
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
      `role="img" aria-label="${esc(caption)}" font-size="12">`,
    yAxis(yMax, step),
    ...trend.buckets.map((b, i) => bar(b, i, slot, yMax, trend, t)),
    xLabels(trend.buckets, slot),
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + PLOT_H}" ` +
      `x2="${MARGIN.left + PLOT_W}" y2="${MARGIN.top + PLOT_H}" ` +
      'stroke="#000"/>',
    '</svg>',
  ];
  return parts.join('\n');
}

function bar(
  bucket: TrendBucket,
  index: number,
  slot: number,
  yMax: number,
  trend: Trend,
  t: Translator,
): string {
  const width = Math.max(1, slot * BAR_SHARE);
  const x = MARGIN.left + index * slot + (slot - width) / 2;
  let y = MARGIN.top + PLOT_H;
  const segments: string[] = [];
  for (const severity of [...SEVERITIES].reverse()) {
    const n = bucket.severity[severity];
    if (n === 0) continue;
    const h = (n / yMax) * PLOT_H;
    y -= h;
    segments.push(
      `<rect class="seg" data-severity="${severity}" data-count="${n}" ` +
        `x="${fmt(x)}" y="${fmt(y)}" width="${fmt(width)}" ` +
        `height="${fmt(h)}" fill="${SEVERITY_COLORS[severity].fill}" ` +
        'stroke="#000" stroke-width="0.6"/>',
    );
  }
  if (bucket.total > 0 && trend.buckets.length <= COUNTED_BARS_MAX) {
    segments.push(
      `<text x="${fmt(x + width / 2)}" y="${fmt(y - 4)}" ` +
        `text-anchor="middle">${bucket.total}</text>`,
    );
  }
  const title = t('trend.bar', { label: bucket.label, count: bucket.total });
  return (
    `<g class="bucket" data-start="${esc(bucket.start)}" ` +
    `data-total="${bucket.total}"><title>${esc(title)}</title>` +
    `${segments.join('')}</g>`
  );
}

function yAxis(yMax: number, step: number): string {
  const lines: string[] = [];
  for (let value = 0; value <= yMax; value += step) {
    const y = MARGIN.top + PLOT_H - (value / yMax) * PLOT_H;
    lines.push(
      `<line x1="${MARGIN.left}" y1="${fmt(y)}" x2="${MARGIN.left + PLOT_W}" ` +
        `y2="${fmt(y)}" stroke="#ccc" stroke-dasharray="3 3"/>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(y + 4)}" ` +
        `text-anchor="end">${value}</text>`,
    );
  }
  return lines.join('\n');
}

function xLabels(buckets: TrendBucket[], slot: number): string {
  const every = Math.ceil(buckets.length / X_LABELS_MAX);
  return buckets
    .map((b, i) =>
      i % every === 0
        ? `<text x="${fmt(MARGIN.left + i * slot + slot / 2)}" ` +
          `y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">` +
          `${esc(b.label)}</text>`
        : '',
    )
    .filter((text) => text !== '')
    .join('\n');
}

/** 1, 2 or 5 times a power of ten, at least `raw` and at least 1. */
function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
