import ms from 'ms';
import { ProtocolError } from './errors.js';

/**
 * Milliseconds of a human duration such as "24h", "10m", "500ms" or "7d".
 * `field` names the option or config key in the error.
 */
export function parseDuration(text: string | number, field: string): number {
  if (typeof text === 'number' && Number.isFinite(text) && text >= 0) {
    return text;
  }
  const value = typeof text === 'string' ? ms(text as ms.StringValue) : NaN;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ProtocolError(
      'VIGIL_DURATION_INVALID',
      `${field}: "${String(text).slice(0, 40)}" is not a duration ` +
        '(examples: 500ms, 30s, 10m, 24h, 7d)',
    );
  }
  return value;
}
