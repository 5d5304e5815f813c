import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { VigilError } from '../../protocol/errors.js';

/** HTTP status of each error code that is not a plain 400. */
const STATUS: Record<string, number> = {
  VIGIL_CLIENT_CERT_REQUIRED: 401,
  VIGIL_AUTH_REQUIRED: 401,
  VIGIL_AUTH_INVALID: 401,
  VIGIL_AGENT_UNKNOWN: 403,
  VIGIL_AGENT_REVOKED: 403,
  VIGIL_AGENT_MISMATCH: 403,
  VIGIL_ROLE_FORBIDDEN: 403,
  VIGIL_ENROLL_TOKEN_INVALID: 403,
  VIGIL_NOT_FOUND: 404,
  VIGIL_CHAIN_CONFLICT: 409,
  VIGIL_CHAIN_GAP: 409,
  VIGIL_VIOLATION_STATE: 409,
  VIGIL_USER_EXISTS: 409,
  VIGIL_BODY_TOO_LARGE: 413,
  VIGIL_CONTENT_TYPE_UNSUPPORTED: 415,
  VIGIL_INTERNAL: 500,
  VIGIL_STORE_BUSY: 503,
  VIGIL_REQUEST_TIMEOUT: 408,
  VIGIL_HEADERS_TOO_LARGE: 431,
};

/** Seconds a client should wait before retrying a VIGIL_STORE_BUSY reply. */
export const STORE_BUSY_RETRY_AFTER_S = 1;

/** Fastify's own parse failures, renamed to Vigil's stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'VIGIL_CONTENT_TYPE_UNSUPPORTED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'VIGIL_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VIGIL_BODY_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VIGIL_BODY_INVALID',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VIGIL_BODY_INVALID',
  FST_ERR_VALIDATION: 'VIGIL_BODY_INVALID',
};

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Maps any thrown error to a stable code, status and safe message. */
export function toErrorBody(error: unknown): {
  status: number;
  body: ErrorBody;
} {
  if (error instanceof VigilError) {
    return reply(error.code, error.message);
  }
  // SQLite's lock was held elsewhere past the busy timeout: safe to retry.
  if (isStoreBusy(error)) {
    return reply(
      'VIGIL_STORE_BUSY',
      `store: busy; retry in ${STORE_BUSY_RETRY_AFTER_S} s`,
    );
  }
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code
    ? FASTIFY_CODES[fastifyError.code]
    : undefined;
  if (mapped) {
    return reply(mapped, describeFastify(mapped));
  }
  // A JSON.parse failure of the body: say so without echoing the body.
  if (error instanceof SyntaxError) {
    return reply('VIGIL_BODY_INVALID', 'body: not valid JSON');
  }
  return reply('VIGIL_INTERNAL', 'internal error; see the collector log');
}

function isStoreBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
  );
}

function reply(code: string, message: string) {
  return { status: STATUS[code] ?? 400, body: { error: { code, message } } };
}

function describeFastify(code: string): string {
  switch (code) {
    case 'VIGIL_CONTENT_TYPE_UNSUPPORTED':
      return 'content-type: only application/json is accepted';
    case 'VIGIL_BODY_TOO_LARGE':
      return 'body: larger than the collector accepts';
    default:
      return 'body: not valid JSON of the expected shape';
  }
}

export function sendError(
  request: FastifyRequest,
  replyTo: FastifyReply,
  error: unknown,
): FastifyReply {
  const { status, body } = toErrorBody(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: body.error.code }, 'request refused');
  if (body.error.code === 'VIGIL_STORE_BUSY') {
    replyTo.header('retry-after', String(STORE_BUSY_RETRY_AFTER_S));
  }
  // RFC 6750 section 3: a 401 names the scheme the client should use.
  if (status === 401 && body.error.code.startsWith('VIGIL_AUTH_')) {
    replyTo.header('www-authenticate', 'Bearer realm="vigil"');
  }
  return replyTo.code(status).send(body);
}

/** Node's HTTP parser failures, by its error code; others are 400. */
const CLIENT_ERRORS: Record<string, { code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    code: 'VIGIL_HEADERS_TOO_LARGE',
    message: 'request: the URL and headers are larger than accepted',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'VIGIL_REQUEST_TIMEOUT',
    message: 'request: did not arrive completely in time',
  },
};

/**
 * Fastify's `clientErrorHandler`: answers a request Node's HTTP parser
 * refused (NUL in the URL, oversized headers, a body cut short) with a
 * stable code, before any route or hook has run, then closes the socket.
 */
export function sendClientError(
  error: Error & { code?: string },
  socket: Duplex,
): void {
  // A reset peer or a destroyed socket has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''] ?? {
    code: 'VIGIL_REQUEST_INVALID',
    message: 'request: not valid HTTP/1.1 (request line, header or length)',
  };
  const { status, body } = reply(known.code, known.message);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'connection: close\r\ncontent-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
