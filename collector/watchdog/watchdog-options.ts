/** No batch or heartbeat for this long makes an agent silent (5 heartbeats). */
export const SILENT_AFTER_MS = 5 * 60_000;
/** How often the silence check runs. */
export const WATCHDOG_TICK_MS = 30_000;
/** Largest gap between an agent's clock and the collector's that is fine. */
export const CLOCK_SKEW_MAX_MS = 2 * 60_000;
/**
 * How long an agent's batches must keep arriving too old before its clock
 * is called behind: a backlog delivered after an outage looks the same for
 * a moment, but ends with a fresh batch.
 */
export const CLOCK_CONFIRM_MS = 5 * 60_000;

export interface WatchdogOptions {
  silentAfterMs: number;
  tickMs: number;
  clockSkewMs: number;
  clockConfirmMs: number;
}

/** The options in force: each one given, or its default. */
export function watchdogOptions(
  given: Partial<WatchdogOptions> = {},
): WatchdogOptions {
  return {
    silentAfterMs: given.silentAfterMs ?? SILENT_AFTER_MS,
    tickMs: given.tickMs ?? WATCHDOG_TICK_MS,
    clockSkewMs: given.clockSkewMs ?? CLOCK_SKEW_MAX_MS,
    clockConfirmMs: given.clockConfirmMs ?? CLOCK_CONFIRM_MS,
  };
}
