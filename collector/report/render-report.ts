import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import type { ReportFormat } from './report-options.js';
import type { Report } from './report-model.js';

/** The report as the text of one format. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'html':
      return renderHtml(report);
    case 'csv':
      return renderCsv(report);
    case 'json':
      return renderJson(report);
  }
}
