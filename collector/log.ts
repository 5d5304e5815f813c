import pino, { type Logger } from 'pino';

/**
 * Keys whose values never reach a log line, wherever they appear: tokens,
 * keys, certificates' private halves and raw bodies.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'privateKeyPem',
  '*.privateKeyPem',
  'body',
  '*.body',
];

/** JSON logs on stderr, as every Vigil service writes them. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino(
    { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    pino.destination(2),
  );
}
