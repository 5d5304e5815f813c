import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyError } from './errors.js';

/** Largest policy file read, in bytes; real policies are a few KiB. */
export const POLICY_FILE_MAX_BYTES = 1024 * 1024;

/** One policy file's text and the SHA-256 of its exact bytes. */
export interface PolicySource {
  file: string;
  text: string;
  hash: string;
}

const POLICY_FILE = /\.ya?ml$/;
const TEST_FILE = /\.test\.ya?ml$/;

/**
 * Reads `dirOrFile`: a single file, or every `*.yaml` / `*.yml` directly
 * in a directory (not below it) except `*.test.yaml`, sorted by name.
 */
export function readPolicySources(dirOrFile: string): PolicySource[] {
  return policyFilePaths(dirOrFile).map(readPolicySource);
}

/** The files `readPolicySources` reads, in the same order. */
export function policyFilePaths(dirOrFile: string): string[] {
  return isDirectory(dirOrFile) ? listPolicyFiles(dirOrFile) : [dirOrFile];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (cause) {
    throw unreadable(path, cause);
  }
}

function listPolicyFiles(dir: string): string[] {
  return listFiles(
    dir,
    (name) => POLICY_FILE.test(name) && !TEST_FILE.test(name),
  );
}

/** The files (not folders) in `dir` whose names `keep` accepts, sorted. */
export function listFiles(
  dir: string,
  keep: (name: string) => boolean,
): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw unreadable(dir, cause);
  }
  return names
    .filter(keep)
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => !isDirectory(path));
}

/** Reads one file with a size cap; invalid UTF-8 is refused, not mangled. */
export function readPolicySource(file: string): PolicySource {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > POLICY_FILE_MAX_BYTES) throw tooLarge(file, size);
    bytes = readFileSync(file);
  } catch (cause) {
    throw cause instanceof PolicyError ? cause : unreadable(file, cause);
  }
  if (bytes.length > POLICY_FILE_MAX_BYTES) throw tooLarge(file, bytes.length);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new PolicyError(
      'VIGIL_POLICY_YAML_INVALID',
      'is not UTF-8 text',
      {
        file,
      },
      { cause },
    );
  }
  return { file, text, hash: sha256Hex(bytes) };
}

/** Whether two lists name the same files with the same bytes, in order. */
export function sameSources(
  a: readonly PolicySource[],
  b: readonly PolicySource[],
): boolean {
  return (
    a.length === b.length &&
    a.every(
      (source, i) => source.file === b[i]?.file && source.hash === b[i]?.hash,
    )
  );
}

/** A source given as text: hashed as its UTF-8 bytes. */
export function textSource(file: string, text: string): PolicySource {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > POLICY_FILE_MAX_BYTES) throw tooLarge(file, bytes.length);
  return { file, text, hash: sha256Hex(bytes) };
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tooLarge(file: string, size: number): PolicyError {
  return new PolicyError(
    'VIGIL_POLICY_TOO_LARGE',
    `is ${size} bytes; the limit is ${POLICY_FILE_MAX_BYTES}`,
    { file },
  );
}

function unreadable(path: string, cause: unknown): PolicyError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new PolicyError(
    'VIGIL_POLICY_UNREADABLE',
    `cannot be read${code ? ` (${code})` : ''}`,
    { file: path },
    { cause },
  );
}
