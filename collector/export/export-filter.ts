import { BundleError } from '../../protocol/bundle.js';
import type { AccessEvent } from '../../protocol/event.js';
import { compileGlobs, globProblem } from '../policy/glob-rules.js';

/** What to export: a time range (from inclusive, to exclusive) and filters. */
export interface ExportFilterOptions {
  from: string;
  to: string;
  vendor?: string;
  agent?: string;
  /** Glob over the event's path, target or link (`via`). */
  path?: string;
}

export interface ExportFilter {
  /** Whether an agent's events are exported at all. */
  agent(id: string, vendor: string): boolean;
  /** Whether an event of a selected agent is shown in full. */
  event(event: AccessEvent): boolean;
}

/**
 * Turns the export options into predicates. Throws VIGIL_EXPORT_INVALID
 * for a bad time or glob, naming the option.
 */
export function exportFilter(options: ExportFilterOptions): ExportFilter {
  const fromMs = parseTime(options.from, '--from');
  const toMs = parseTime(options.to, '--to');
  if (toMs <= fromMs) {
    throw new BundleError('VIGIL_EXPORT_INVALID', '--to: must be after --from');
  }
  const matches = pathMatcher(options.path);
  return {
    agent: (id, vendor) =>
      (options.vendor === undefined || vendor === options.vendor) &&
      (options.agent === undefined || id === options.agent),
    event: (event) => {
      const ms = Date.parse(event.time);
      return ms >= fromMs && ms < toMs && matches(event);
    },
  };
}

function parseTime(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new BundleError(
      'VIGIL_EXPORT_INVALID',
      `${name}: is not an ISO 8601 time (e.g. 2026-12-04T00:00:00Z)`,
    );
  }
  return ms;
}

function pathMatcher(glob: string | undefined) {
  if (glob === undefined) return () => true;
  // The same globs as policies' paths, with the same limits.
  const problem = globProblem(glob, 'absolute');
  if (problem !== undefined) {
    throw new BundleError('VIGIL_EXPORT_INVALID', `--path: ${problem}`);
  }
  const test = compileGlobs([glob]);
  return (event: AccessEvent) =>
    [event.path, event.target, event.via].some(
      (p) => p !== undefined && test(p),
    );
}
