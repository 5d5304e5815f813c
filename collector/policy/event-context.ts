import type { AccessEvent } from '../../protocol/event.js';
import { type LocalTime, localTime, parseInstant } from './local-time.js';

/** Groups shown in a reason before the list is cut. */
const GROUPS_SHOWN_MAX = 8;

/**
 * What rules look at in one event, worked out once per evaluation and
 * only when a rule asks (most events never reach a time condition).
 */
export class EventContext {
  readonly event: AccessEvent;
  /** user.login, or user.name when the login is "unset"; null: no user. */
  readonly person: string | null;
  readonly groups: readonly string[] | null;
  readonly exe: string | null;
  private msCache: number | undefined;
  // Made on first use: most events never reach a time condition.
  private readings: Map<string, LocalTime | null> | undefined;

  constructor(event: AccessEvent) {
    const { user, process } = event;
    const login = user?.login;
    const person = login && login !== 'unset' ? login : user?.name;
    this.event = event;
    this.person = person || null;
    this.groups = user === null ? null : user.groups;
    this.exe = process?.exe || null;
  }

  /** Event time in ms; NaN when it is not a readable RFC 3339 time. */
  get ms(): number {
    this.msCache ??= parseInstant(this.event.time);
    return this.msCache;
  }

  /** The event time on a zone's wall clock; null when it is unreadable. */
  local(timezone: string): LocalTime | null {
    this.readings ??= new Map();
    let reading = this.readings.get(timezone);
    if (reading === undefined) {
      reading = Number.isNaN(this.ms) ? null : localTime(this.ms, timezone);
      this.readings.set(timezone, reading);
    }
    return reading;
  }
}

/** "vigil-intern (groups: vigil-intern)", or "an unattributed user". */
export function actorText(ctx: EventContext): string {
  if (ctx.person === null || ctx.groups === null) {
    return 'an unattributed user';
  }
  const groups = ctx.groups;
  const shown = groups.slice(0, GROUPS_SHOWN_MAX).join(', ');
  const more =
    groups.length > GROUPS_SHOWN_MAX
      ? ` and ${groups.length - GROUPS_SHOWN_MAX} more`
      : '';
  return `${ctx.person} (groups: ${shown || 'none'}${more})`;
}

/** "read", or "read (outcome denied)" for an attempt the OS refused. */
export function actionText(event: AccessEvent): string {
  return event.outcome === 'success'
    ? event.action
    : `${event.action} (outcome ${event.outcome})`;
}

/** "a.csv" or "a.csv → b.csv" for a rename or link. */
export function namesText(event: AccessEvent): string {
  const path = event.path ?? '(no path)';
  return event.target === undefined ? path : `${path} → ${event.target}`;
}

/** "a or b or c", cut after a few with a count of the rest. */
export function orList(values: readonly string[]): string {
  const SHOWN_MAX = 5;
  const shown = values.slice(0, SHOWN_MAX).join(' or ');
  const rest = values.length - SHOWN_MAX;
  return rest > 0 ? `${shown} or ${rest} more` : shown;
}
