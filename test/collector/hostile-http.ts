import {
  BODY,
  ENVELOPE,
  NOT_FOUND,
  expectCodes,
  fromRaw,
  type Hostile,
  type HostileContext,
} from './hostile-outcome.js';
import { httpRequest, rawExchange } from './raw-https.js';

const BODY_LIMIT_BYTES = 16 * 1024 * 1024;
const UNKNOWN_KID = 'e'.repeat(64);
/** A prime step, so cut points spread over the whole body. */
const SPREAD = 7_919;

const BAD_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'text/json',
  'application/jsonp',
  'application/json-patch+json',
  'json',
  'application/javascript',
];

/** Requests whose HTTP framing, type, size or URL is wrong. */
export function httpHostiles(ctx: HostileContext): Hostile[] {
  const { json, post, raw } = ctx;
  return [
    {
      kind: 'truncated body',
      send: (i) =>
        post(json.slice(0, (i * SPREAD) % json.length)).then(expectCodes(BODY)),
    },
    {
      kind: 'body shorter than its Content-Length',
      send: (i) =>
        rawExchange(
          raw,
          httpRequest(
            'POST',
            '/v1/batches',
            {
              'content-type': 'application/json',
              'content-length': String(json.length + 1 + (i % 1000)),
            },
            json,
          ),
          { halfClose: true },
        ).then(fromRaw(['VIGIL_REQUEST_INVALID'], true)),
    },
    {
      kind: 'Content-Length over the limit',
      send: (i) =>
        rawExchange(
          raw,
          httpRequest(
            'POST',
            '/v1/batches',
            {
              'content-type': 'application/json',
              'content-length': String(BODY_LIMIT_BYTES + 1 + i),
            },
            '{"v":1}',
          ),
        ).then(fromRaw(['VIGIL_BODY_TOO_LARGE'])),
    },
    {
      kind: 'large body',
      // A real body over 16 MiB every 20th turn; between them, 1 MB numbers
      // and whitespace that parse to no envelope.
      send: (i) =>
        i % 20 === 0
          ? post(Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20)).then(
              expectCodes(['VIGIL_BODY_TOO_LARGE']),
            )
          : post(i % 2 ? `{"v":${'9'.repeat(1_000_000)}}` : ' '.repeat(i)).then(
              expectCodes(i % 2 ? ENVELOPE : BODY),
            ),
    },
    {
      kind: 'wrong content type',
      // Fastify reads text/plain as a string, which is no envelope.
      send: (i) => {
        const type = BAD_TYPES[i % BAD_TYPES.length]!;
        return post(json, type).then(
          expectCodes(
            type === 'text/plain'
              ? ENVELOPE
              : ['VIGIL_CONTENT_TYPE_UNSUPPORTED'],
          ),
        );
      },
    },
    {
      kind: 'path trick',
      send: (i) => {
        const target = PATH_TRICKS[i % PATH_TRICKS.length]!;
        // If a trick reaches the route, the body is refused there.
        const body = JSON.stringify({ ...ctx.input.nextOfA, kid: UNKNOWN_KID });
        return rawExchange(
          raw,
          httpRequest(
            'POST',
            target,
            { 'content-type': 'application/json' },
            body,
          ),
        ).then(fromRaw([...NOT_FOUND, 'VIGIL_ENVELOPE_KEY_UNKNOWN']));
      },
    },
    {
      kind: 'URL the HTTP parser refuses',
      send: (i) =>
        rawExchange(
          raw,
          httpRequest('POST', PARSER_TRICKS[i % PARSER_TRICKS.length]!, {}),
        ).then(
          // Node refuses most of these; the few it lets through reach the
          // route with no envelope and are refused for that.
          fromRaw(
            [
              'VIGIL_REQUEST_INVALID',
              'VIGIL_HEADERS_TOO_LARGE',
              'VIGIL_ENVELOPE_INVALID',
              'VIGIL_BODY_INVALID',
              'VIGIL_NOT_FOUND',
            ],
            true,
          ),
        ),
    },
    {
      kind: 'wrong method',
      send: (i) =>
        rawExchange(
          raw,
          httpRequest(
            ['GET', 'PUT', 'DELETE', 'PATCH'][i % 4]!,
            '/v1/batches',
            {},
          ),
        ).then(fromRaw(NOT_FOUND)),
    },
  ];
}

/** URLs no well-behaved client sends. */
const PATH_TRICKS: (string | Buffer)[] = [
  '/v1/../v1/batches',
  '/v1/%2e%2e/v1/batches',
  '/v1/%2E%2E/%2e%2e/v1/batches',
  '/v1/batches/../batches',
  '/v1/./batches',
  '//v1/batches',
  '/v1/batches/',
  '/V1/BATCHES',
  '/v1/batches%00',
  '/v1/batches%2f..%2f..%2fenroll',
  '/v1/batches;x=1',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/v1/batches?agent=other&seq=1',
  '/v1/batches?__proto__[admin]=1&constructor[prototype][x]=1',
  `/v1/batches?${'a=1&'.repeat(1500)}`,
  `/v1/${'x'.repeat(8000)}`,
  `/v1/batches?q=${'%'.repeat(3000)}`,
  '*',
  'https://evil.invalid/v1/batches',
];

/** URLs Node's HTTP parser refuses before Fastify sees them. */
const PARSER_TRICKS: (string | Buffer)[] = [
  Buffer.from('/v1/batches\0', 'latin1'),
  Buffer.from('/v1/batches?x=\0', 'latin1'),
  Buffer.from('/v1/\0/../batches', 'latin1'),
  Buffer.from('/v1/batches\r\nx: y', 'latin1'),
  `/v1/${'y'.repeat(20_000)}`,
];
