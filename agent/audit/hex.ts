/**
 * Fields the kernel writes hex-encoded, unquoted, when the value holds a
 * space, a quote, a control or a non-ASCII byte (audit_log_n_untrustedstring).
 */
export const HEX_ENCODED_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'cwd',
  'proctitle',
  'key',
  'exe',
  'comm',
]);

const HEX_TEXT = /^(?:[0-9A-Fa-f]{2})+$/;

/** Bytes of a hex string read as UTF-8, or undefined when it is not hex. */
export function decodeHex(text: string): string | undefined {
  if (!HEX_TEXT.test(text)) return undefined;
  return Buffer.from(text, 'hex').toString('utf8');
}
