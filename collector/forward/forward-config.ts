import { X509Certificate } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ForwardError } from './errors.js';

export const FORWARD_FORMATS = ['ocsf', 'ecs'] as const;
export type ForwardFormat = (typeof FORWARD_FORMATS)[number];

/** POST NDJSON pages to an http(s) endpoint. */
export interface HttpSinkConfig {
  kind: 'http';
  url: URL;
  /** Bearer token, read from `--forward-token-file`; never logged. */
  token?: string;
  /** PEM CA certificates the endpoint's certificate must chain to. */
  ca?: string;
}

/** Append JSON lines to a file. */
export interface FileSinkConfig {
  kind: 'file';
  path: string;
}

export type SinkConfig = HttpSinkConfig | FileSinkConfig;

/** Where and how `vigil collector serve` forwards (docs/forwarding.md). */
export interface ForwardConfig {
  format: ForwardFormat;
  sinks: SinkConfig[];
  /** Retry timing; each defaults (delivery.ts). Tests shorten it. */
  retry?: { baseMs?: number; maxMs?: number };
  /** How often an idle forwarder looks for new records; default 500 ms. */
  pollMs?: number;
}

/** The `--forward-*` flags of `vigil collector serve`, as commander gives them. */
export interface ForwardFlags {
  forwardFile?: string;
  forwardUrl?: string;
  forwardFormat?: string;
  forwardTokenFile?: string;
  forwardCa?: string;
}

/**
 * Checks the forwarding flags before the collector starts and reads the
 * token and CA files; undefined when no sink is named. Throws a
 * ForwardError naming the flag.
 */
export function forwardConfig(flags: ForwardFlags): ForwardConfig | undefined {
  const format = parseFormat(flags.forwardFormat ?? 'ocsf');
  if (!flags.forwardUrl && (flags.forwardTokenFile || flags.forwardCa)) {
    throw new ForwardError(
      'VIGIL_FORWARD_OPTIONS_INVALID',
      '--forward-token-file and --forward-ca need --forward-url',
    );
  }
  const sinks: SinkConfig[] = [];
  if (flags.forwardFile) sinks.push(fileSink(flags.forwardFile));
  if (flags.forwardUrl) sinks.push(httpSink(flags));
  return sinks.length > 0 ? { format, sinks } : undefined;
}

function parseFormat(value: string): ForwardFormat {
  const format = FORWARD_FORMATS.find((f) => f === value);
  if (!format) {
    throw new ForwardError(
      'VIGIL_FORWARD_FORMAT_UNKNOWN',
      `--forward-format: "${value.slice(0, 40)}" is not one of ` +
        FORWARD_FORMATS.join(', '),
    );
  }
  return format;
}

// Opening for append creates the file now, so a wrong directory or mode
// stops the collector at start rather than failing every page later.
function fileSink(path: string): FileSinkConfig {
  const file = resolve(path);
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (error) {
    throw new ForwardError(
      'VIGIL_FORWARD_FILE_UNWRITABLE',
      `--forward-file: cannot append to ${file} (${errnoOf(error)})`,
    );
  }
  return { kind: 'file', path: file };
}

function httpSink(flags: ForwardFlags): HttpSinkConfig {
  const url = parseUrl(flags.forwardUrl!);
  if (flags.forwardCa && url.protocol !== 'https:') {
    throw new ForwardError(
      'VIGIL_FORWARD_OPTIONS_INVALID',
      '--forward-ca applies to an https:// --forward-url only',
    );
  }
  return {
    kind: 'http',
    url,
    ...(flags.forwardTokenFile
      ? { token: readToken(flags.forwardTokenFile) }
      : {}),
    ...(flags.forwardCa ? { ca: readCa(flags.forwardCa) } : {}),
  };
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ForwardError(
      'VIGIL_FORWARD_URL_INVALID',
      `--forward-url: "${text.slice(0, 80)}" is not a URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ForwardError(
      'VIGIL_FORWARD_SCHEME_UNSUPPORTED',
      `--forward-url: scheme ${url.protocol} is not http: or https:`,
    );
  }
  // Credentials in a URL end up in logs and `ps`; the token file does not.
  if (url.username || url.password) {
    throw new ForwardError(
      'VIGIL_FORWARD_URL_INVALID',
      '--forward-url: holds a user or password; use --forward-token-file',
    );
  }
  return url;
}

function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ForwardError(
      'VIGIL_FORWARD_TOKEN_UNREADABLE',
      `--forward-token-file: cannot read ${file} (${errnoOf(error)})`,
    );
  }
  // An HTTP header value must be one visible-ASCII word (RFC 6750 b64token).
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ForwardError(
      'VIGIL_FORWARD_TOKEN_UNREADABLE',
      `--forward-token-file: ${file} does not hold one token of visible ` +
        `ASCII characters (${token.length} characters read)`,
    );
  }
  return token;
}

function readCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ForwardError(
      'VIGIL_FORWARD_CA_INVALID',
      `--forward-ca: cannot read ${file} (${errnoOf(error)})`,
    );
  }
  const blocks =
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? [];
  try {
    if (blocks.length === 0) throw new Error('no certificate');
    for (const block of blocks) new X509Certificate(block);
  } catch {
    throw new ForwardError(
      'VIGIL_FORWARD_CA_INVALID',
      `--forward-ca: ${file} holds no readable PEM certificate`,
    );
  }
  return pem;
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
