/** One count: a limit of a policy, for one key (a person, program or agent). */
export interface LimitSlot {
  policy: string;
  limit: string;
  /** Stable text naming the key, e.g. `["user","acme-sub","li.wei"]`. */
  key: string;
}

/**
 * Where limits keep their counts. Times are event times in ms, so replays
 * and late batches count by when the access happened, not when it arrived.
 * A counter may forget what lies two windows or more before the newest
 * event it saw for a slot: an event later than that counts only what is left.
 */
export interface LimitCounter {
  /**
   * Counts one matching event at `timeMs` and returns how many the slot
   * holds in (timeMs - windowMs, timeMs], this one included. For an event
   * older than the slot's newest (a late batch), when that newest is less
   * than one window later, the count is the larger of that window and the
   * one ending at the newest event, so a late event completes a burst.
   */
  hit(slot: LimitSlot, timeMs: number, windowMs: number): number;
  /**
   * The time of a violation already raised for the slot less than
   * `windowMs` away from `timeMs` (before or after); undefined when none.
   */
  flaggedNear(
    slot: LimitSlot,
    timeMs: number,
    windowMs: number,
  ): number | undefined;
  /** Records that a violation was raised for the slot at `timeMs`. */
  flag(slot: LimitSlot, timeMs: number, windowMs: number): void;
}

/** Times of one slot in ascending order; `start` skips forgotten ones. */
interface Times {
  values: number[];
  start: number;
}

/**
 * A LimitCounter in memory, for `vigil policy test`, replays and tests.
 * Counting costs O(log n) in the events a slot holds.
 */
export class MemoryLimitCounter implements LimitCounter {
  private readonly hits = new Map<string, Times>();
  private readonly flags = new Map<string, Times>();

  hit(slot: LimitSlot, timeMs: number, windowMs: number): number {
    const times = timesOf(this.hits, slot);
    insertSorted(times, timeMs);
    forgetBefore(times, timeMs - 2 * windowMs);
    const inWindow = (end: number): number =>
      upperBound(times, end) - upperBound(times, end - windowMs);
    const newest = times.values[times.values.length - 1] ?? timeMs;
    const count = inWindow(timeMs);
    return newest > timeMs && newest < timeMs + windowMs
      ? Math.max(count, inWindow(newest))
      : count;
  }

  flaggedNear(
    slot: LimitSlot,
    timeMs: number,
    windowMs: number,
  ): number | undefined {
    const times = this.flags.get(slotKey(slot));
    if (times === undefined) return undefined;
    const i = upperBound(times, timeMs - windowMs);
    const near = times.values[i];
    return near !== undefined && near < timeMs + windowMs ? near : undefined;
  }

  flag(slot: LimitSlot, timeMs: number, windowMs: number): void {
    const times = timesOf(this.flags, slot);
    insertSorted(times, timeMs);
    forgetBefore(times, timeMs - 2 * windowMs);
  }
}

/** One string per slot; ids and limit names never hold a newline. */
export function slotKey(slot: LimitSlot): string {
  return `${slot.policy}\n${slot.limit}\n${slot.key}`;
}

function timesOf(map: Map<string, Times>, slot: LimitSlot): Times {
  const key = slotKey(slot);
  let times = map.get(key);
  if (times === undefined) {
    times = { values: [], start: 0 };
    map.set(key, times);
  }
  return times;
}

/** Index of the first live time above `ms`. */
function upperBound(times: Times, ms: number): number {
  let lo = times.start;
  let hi = times.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times.values[mid] ?? Infinity) <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Events mostly arrive in time order, so this is usually a push.
function insertSorted(times: Times, ms: number): void {
  const last = times.values[times.values.length - 1];
  if (last === undefined || last <= ms) times.values.push(ms);
  else times.values.splice(upperBound(times, ms), 0, ms);
}

/** Forgets times at or before `ms`; compacts once half the array is dead. */
function forgetBefore(times: Times, ms: number): void {
  times.start = upperBound(times, ms);
  if (times.start > times.values.length / 2) {
    times.values.splice(0, times.start);
    times.start = 0;
  }
}
