import { readFileSync, statSync } from 'node:fs';
import type { AccessEvent } from '../../protocol/event.js';
import { PolicyError } from './errors.js';
import { completePartialEvent } from './policy-tests.js';
import { fieldName } from './yaml-source.js';

/** Largest event file read, in bytes; one event is a few KiB. */
export const EVENT_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Reads one access event from a JSON file, for `vigil policy explain`. A
 * partial event is completed like a test case's (see parsePolicyTests).
 * Throws VIGIL_POLICY_EVENT_UNREADABLE or VIGIL_POLICY_EVENT_INVALID.
 */
export function readEventFile(file: string): AccessEvent {
  return parseEventText(file, readText(file));
}

/** Same as `readEventFile` for a text in hand; `file` names it in errors. */
export function parseEventText(file: string, text: string): AccessEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // The parser's message quotes the payload; name the file only.
    throw new PolicyError(
      'VIGIL_POLICY_EVENT_INVALID',
      'is not valid JSON',
      { file },
      { cause },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyError(
      'VIGIL_POLICY_EVENT_INVALID',
      'must hold one JSON object (an access event)',
      { file },
    );
  }
  const result = completePartialEvent(value as Record<string, unknown>);
  if ('event' in result) return result.event;
  throw new PolicyError('VIGIL_POLICY_EVENT_INVALID', result.problem, {
    file,
    field: fieldName(result.at),
  });
}

function readText(file: string): string {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > EVENT_FILE_MAX_BYTES) throw tooLarge(file, size);
    bytes = readFileSync(file);
  } catch (cause) {
    if (cause instanceof PolicyError) throw cause;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    throw new PolicyError(
      'VIGIL_POLICY_EVENT_UNREADABLE',
      `cannot be read${code ? ` (${code})` : ''}`,
      { file },
      { cause },
    );
  }
  if (bytes.length > EVENT_FILE_MAX_BYTES) throw tooLarge(file, bytes.length);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new PolicyError(
      'VIGIL_POLICY_EVENT_INVALID',
      'is not UTF-8 text',
      { file },
      { cause },
    );
  }
}

function tooLarge(file: string, size: number): PolicyError {
  return new PolicyError(
    'VIGIL_POLICY_EVENT_UNREADABLE',
    `is ${size} bytes; the limit is ${EVENT_FILE_MAX_BYTES}`,
    { file },
  );
}
