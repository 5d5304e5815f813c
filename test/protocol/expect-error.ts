import { expect } from 'vitest';
import {
  ProtocolError,
  type ProtocolErrorCode,
} from '../../protocol/errors.js';

/** Runs `fn`, asserts it threw a ProtocolError with `code`, returns it. */
export function expectProtocolError(
  fn: () => unknown,
  code: ProtocolErrorCode,
): ProtocolError {
  let thrown: unknown = undefined;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code} to be thrown`).toBeInstanceOf(ProtocolError);
  expect((thrown as ProtocolError).code).toBe(code);
  return thrown as ProtocolError;
}
