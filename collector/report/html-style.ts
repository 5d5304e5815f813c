import { createHash } from 'node:crypto';
import type { Severity } from '../policy/types.js';

/**
 * Severity colours, from dark to light as severity falls, so they stay
 * apart printed in grayscale (relative luminance about 0.04, 0.15, 0.44,
 * 0.79); each badge also says its severity in words.
 */
export const SEVERITY_COLORS: Record<Severity, { fill: string; ink: string }> =
  {
    critical: { fill: '#7f1d1d', ink: '#ffffff' },
    high: { fill: '#c2410c', ink: '#ffffff' },
    medium: { fill: '#f59e0b', ink: '#000000' },
    low: { fill: '#fde68a', ink: '#000000' },
  };

// Fonts the reader's system has: no web font is fetched. CJK faces are
// named so zh-CN reports find one on Windows, macOS and Linux.
const FONTS =
  'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", ' +
  '"Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

const severityRules = Object.entries(SEVERITY_COLORS)
  .map(
    ([severity, { fill, ink }]) =>
      `.sev-${severity} { background: ${fill}; color: ${ink}; }`,
  )
  .join('\n');

/** The report's only style sheet, inline. */
export const REPORT_CSS = `
* { box-sizing: border-box; }
body { font-family: ${FONTS}; font-size: 14px; line-height: 1.45;
  color: #111; background: #fff; margin: 0 auto; max-width: 1280px;
  padding: 24px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 2px;
  border-bottom: 2px solid #222; break-after: avoid; }
h3 { font-size: 15px; margin: 16px 0 6px; break-after: avoid; }
p { margin: 4px 0; }
.meta { color: #222; }
.note { color: #444; font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.card { border: 1px solid #888; border-radius: 4px; padding: 6px 12px;
  min-width: 110px; }
.card .n { display: block; font-size: 22px; font-weight: 700; }
.grid { display: grid; grid-template-columns: repeat(auto-fit,
  minmax(420px, 1fr)); gap: 0 24px; }
.grid .wide { grid-column: 1 / -1; }
table { border-collapse: collapse; width: 100%; font-size: 13px;
  margin: 4px 0 8px; }
th, td { border: 1px solid #aaa; padding: 3px 6px; text-align: left;
  vertical-align: top; }
th { background: #e8e8e8; }
.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.sev { display: inline-block; padding: 0 6px; border: 1px solid #000;
  border-radius: 3px; font-weight: 700; white-space: nowrap; }
${severityRules}
.status-open { font-weight: 700; }
.state-silent, .state-revoked, .alert { font-weight: 700; }
.path, .reason, .key { overflow-wrap: anywhere; unicode-bidi: plaintext; }
.ctl { border: 1px dotted #000; background: #eee; font-family: monospace;
  font-size: 90%; }
.muted { color: #555; }
.time { white-space: nowrap; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: 3px; }
.col-agent { min-width: 10em; }
.col-access { min-width: 15em; }
.col-reason { min-width: 18em; }
.col-triage { min-width: 12em; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; list-style: none;
  margin: 4px 0; padding: 0; }
.swatch { display: inline-block; width: 14px; height: 14px;
  border: 1px solid #000; vertical-align: -2px; margin-right: 4px; }
.chart svg { width: 100%; max-width: 960px; height: auto; }
footer { margin-top: 28px; padding-top: 6px; border-top: 1px solid #888;
  font-size: 12px; color: #444; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 8.5pt; }
  .chart { break-inside: avoid; }
}
`;

/** For the page's Content-Security-Policy: only this style may apply. */
export const REPORT_CSS_HASH = `sha256-${createHash('sha256')
  .update(REPORT_CSS)
  .digest('base64')}`;
