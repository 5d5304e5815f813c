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
  /** The range as written in the bundle: RFC 3339 in UTC. */
  range: { from: string; to: string };
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
    range: {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
    },
    agent: (id, vendor) =>
      (options.vendor === undefined || vendor === options.vendor) &&
      (options.agent === undefined || id === options.agent),
    event: (event) => {
      const ms = Date.parse(event.time);
      return ms >= fromMs && ms < toMs && matches(event);
    },
  };
}

// A date alone means its midnight in UTC; anything else must be RFC 3339
// with a zone, so that no local clock changes what is exported.
const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

function parseTime(value: string, name: string): number {
  const match = TIME.exec(value);
  if (!match || !fieldsInRange(match.slice(1).map(Number))) {
    throw new BundleError(
      'VIGIL_EXPORT_INVALID',
      `${name}: "${value.slice(0, 40)}" is not a date (2026-12-04) or an ` +
        'RFC 3339 time with its zone (2026-12-04T09:30:00+08:00)',
    );
  }
  return Date.parse(match[4] === undefined ? `${value}T00:00:00Z` : value);
}

// Date.parse would roll 2026-02-31 over into March instead of refusing it.
function fieldsInRange([year, month, day, hour, minute, second]: number[]) {
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= days &&
    (Number.isNaN(hour) || (hour! <= 23 && minute! <= 59 && second! <= 59))
  );
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
