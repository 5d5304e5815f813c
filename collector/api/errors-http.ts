import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../../protocol/errors.js';

/** HTTP status of each error code that is not a plain 400. */
const STATUS: Record<string, number> = {
  VIGIL_CLIENT_CERT_REQUIRED: 401,
  VIGIL_AGENT_UNKNOWN: 403,
  VIGIL_AGENT_REVOKED: 403,
  VIGIL_AGENT_MISMATCH: 403,
  VIGIL_ENROLL_TOKEN_INVALID: 403,
  VIGIL_NOT_FOUND: 404,
  VIGIL_CHAIN_CONFLICT: 409,
  VIGIL_CHAIN_GAP: 409,
  VIGIL_BODY_TOO_LARGE: 413,
  VIGIL_CONTENT_TYPE_UNSUPPORTED: 415,
  VIGIL_INTERNAL: 500,
};

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
  return replyTo.code(status).send(body);
}
