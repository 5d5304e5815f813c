import type { Report } from './report-model.js';

/**
 * The report as JSON, for scripts: the `Report` document itself, times in
 * UTC as stored, values untranslated. `schema` names its shape.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
