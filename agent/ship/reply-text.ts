/**
 * The code and message of a collector error body, or its first 200
 * characters when it is not one: what the agent logs of a refusal.
 */
export function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as {
      error?: { code?: string; message?: string };
    };
    if (parsed.error?.code)
      return `${parsed.error.code}: ${parsed.error.message ?? ''}`;
  } catch {
    // not a Vigil error body: fall through
  }
  return text.slice(0, 200);
}
