// Standard alphabet with padding (RFC 4648 section 4). Node's own decoder
// skips characters it does not know, so the text is checked first.
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes strict padded base64; null when the text is not base64. */
export function decodeBase64(text: unknown): Buffer | null {
  if (typeof text !== 'string' || text.length % 4 !== 0) return null;
  if (!BASE64_TEXT.test(text)) return null;
  return Buffer.from(text, 'base64');
}
