import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendClientError } from '../../collector/api/errors-http.js';
import { httpRequest, rawExchange } from './raw-https.js';

describe('sendClientError', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = Fastify({ clientErrorHandler: sendClientError });
    app.post('/v1/batches', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await app?.close();
  });

  function send(bytes: Buffer, halfClose = false) {
    return rawExchange({ port }, bytes, { halfClose }).then((reply) => ({
      status: reply.status,
      body: JSON.parse(reply.body) as unknown,
    }));
  }

  describe('when Node refuses the request line', () => {
    it('answers 400 VIGIL_REQUEST_INVALID for a NUL byte in the URL', async () => {
      const res = await send(
        httpRequest('POST', Buffer.from('/v1/batches\0', 'latin1'), {}),
      );
      expect(res).toMatchObject({
        status: 400,
        body: { error: { code: 'VIGIL_REQUEST_INVALID' } },
      });
    });
  });

  describe('when the URL is over the header limit', () => {
    it('answers 431 VIGIL_HEADERS_TOO_LARGE', async () => {
      const res = await send(
        httpRequest('POST', `/v1/${'y'.repeat(20_000)}`, {}),
      );
      expect(res).toMatchObject({
        status: 431,
        body: { error: { code: 'VIGIL_HEADERS_TOO_LARGE' } },
      });
    });
  });

  describe('when the body stops short of its Content-Length', () => {
    it('answers 400 VIGIL_REQUEST_INVALID', async () => {
      const res = await send(
        httpRequest(
          'POST',
          '/v1/batches',
          { 'content-type': 'application/json', 'content-length': '100' },
          '{}',
        ),
        true,
      );
      expect(res).toMatchObject({
        status: 400,
        body: { error: { code: 'VIGIL_REQUEST_INVALID' } },
      });
    });
  });

  describe('after refusing', () => {
    it('keeps serving', async () => {
      const res = await send(
        httpRequest(
          'POST',
          '/v1/batches',
          {
            'content-type': 'application/json',
          },
          '{}',
        ),
      );
      expect(res).toEqual({ status: 200, body: { ok: true } });
    });
  });
});
