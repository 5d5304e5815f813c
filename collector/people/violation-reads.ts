import type { AccessEvent } from '../../protocol/event.js';
import { CollectorError } from '../errors.js';
import type { CollectorStore, ViolationFilter } from '../store/store.js';
import {
  toHistoryEntry,
  toSummary,
  type ViolationDetail,
  type ViolationSummary,
} from './violation-view.js';

/** One page of violations; `next` is the `after` cursor of the next page. */
export interface ViolationPage {
  violations: ViolationSummary[];
  next: number | null;
}

/** Violations matching `filter`, oldest first, at most `filter.limit`. */
export function listViolationPage(
  store: CollectorStore,
  filter: ViolationFilter,
): ViolationPage {
  const { limit } = filter;
  // One row more than asked says whether another page exists.
  const rows = store.queryViolations({
    ...filter,
    ...(limit === undefined ? {} : { limit: limit + 1 }),
  });
  const page =
    limit !== undefined && rows.length > limit ? rows.slice(0, limit) : rows;
  return {
    violations: page.map(toSummary),
    next: page.length < rows.length ? page.at(-1)!.id : null,
  };
}

/** A violation with its whole event(s) and every triage step. */
export function violationDetail(
  store: CollectorStore,
  id: number,
): ViolationDetail {
  const row = store.getViolation(id);
  if (!row) {
    throw new CollectorError(
      'VIGIL_NOT_FOUND',
      `violation: no violation ${id}`,
    );
  }
  const events = row.event ? [JSON.parse(row.event) as AccessEvent] : [];
  return {
    violation: { ...toSummary(row), vendor: row.vendor },
    events,
    history: store.historyOf(id).map(toHistoryEntry),
  };
}

/** A violation id from a URL or the command line; anything else is unknown. */
export function parseViolationId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new CollectorError(
      'VIGIL_NOT_FOUND',
      `violation: "${text.slice(0, 20)}" is not a violation id`,
    );
  }
  return Number(text);
}
