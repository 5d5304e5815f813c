import pino, { type Logger } from 'pino';

/**
 * Keys whose values never reach a log line, wherever they appear: tokens,
 * keys, certificates' private halves and raw bodies.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'apiToken',
  '*.apiToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'privateKeyPem',
  '*.privateKeyPem',
  'body',
  '*.body',
];

/**
 * JSON logs on stderr, as every Vigil service writes them.
 * @param destination a file descriptor or path; default 2 (stderr)
 */
export function createLogger(
  name: string,
  level = 'info',
  destination: number | string = 2,
): Logger {
  return pino(
    { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    pino.destination(
      typeof destination === 'number'
        ? destination
        : { dest: destination, sync: true },
    ),
  );
}
