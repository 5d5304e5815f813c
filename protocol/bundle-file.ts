import { createReadStream } from 'node:fs';
import { BundleError } from './bundle-error.js';
import { BundleVerifier } from './bundle-verifier.js';
import type { VerifyReport } from './bundle.js';

/** Longest line read: an event or certificate is far smaller. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Verifies a bundle file as it streams from disk, a line at a time, so
 * memory stays flat however many events it holds. Throws a BundleError.
 */
export async function verifyBundleFile(
  file: string,
  caPem: string,
  onProgress?: (bytes: number) => void,
  options: { sinceCheckpoint?: string } = {},
): Promise<VerifyReport> {
  const verifier = new BundleVerifier(caPem, options);
  let rest: Buffer = Buffer.alloc(0);
  let read = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      const bytes = chunk as Buffer;
      read += bytes.length;
      rest = feed(
        verifier,
        rest.length > 0 ? Buffer.concat([rest, bytes]) : bytes,
      );
      onProgress?.(read);
    }
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(
      'VIGIL_BUNDLE_UNREADABLE',
      `bundle: ${file} could not be read`,
      { cause: error },
    );
  }
  if (rest.length > 0) verifier.partial(rest);
  return verifier.end();
}

// Feeds every whole line of `bytes`; returns the unfinished remainder.
function feed(verifier: BundleVerifier, bytes: Buffer): Buffer {
  let start = 0;
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
    verifier.line(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (bytes.length - start > MAX_LINE_BYTES) {
    throw new BundleError(
      'VIGIL_BUNDLE_SCHEMA_INVALID',
      `bundle: a line runs past ${MAX_LINE_BYTES} bytes without a newline`,
    );
  }
  return Buffer.from(bytes.subarray(start));
}

/** Verifies a whole bundle held in memory (tests, small exports). */
export function verifyBundle(
  text: string,
  caPem: string,
  options: { sinceCheckpoint?: string } = {},
): VerifyReport {
  const verifier = new BundleVerifier(caPem, options);
  const bytes = Buffer.from(text, 'utf8');
  let start = 0;
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
    verifier.line(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (start < bytes.length) verifier.partial(bytes.subarray(start));
  return verifier.end();
}
