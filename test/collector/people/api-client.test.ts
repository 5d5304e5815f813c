import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeopleApiClient } from '../../../collector/people/api-client.js';
import { startLiveCollector, type LiveCollector } from '../live-collector.js';

describe('PeopleApiClient', () => {
  let fx: LiveCollector;
  let client: PeopleApiClient;

  beforeAll(async () => {
    fx = await startLiveCollector();
    client = new PeopleApiClient({
      url: fx.collector.url,
      token: fx.tokens.analyst,
      caPem: fx.identity.ca.certPem,
    });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await fx?.close();
  });

  describe('when the collector refuses with one of its codes', () => {
    it('throws that code with the message', async () => {
      await expect(client.get('/v1/users')).rejects.toMatchObject({
        code: 'VIGIL_ROLE_FORBIDDEN',
        message: expect.stringContaining('needs admin'),
      });
    });
  });

  describe('when the answer is not JSON', () => {
    it('throws VIGIL_API_REFUSED', async () => {
      await expect(client.get('/metrics')).rejects.toMatchObject({
        code: 'VIGIL_API_REFUSED',
      });
    });
  });

  describe('when the URL is not one', () => {
    it('throws VIGIL_API_UNREACHABLE naming --collector', () => {
      expect(
        () => new PeopleApiClient({ url: 'not a url', token: 't' }),
      ).toThrow(expect.objectContaining({ code: 'VIGIL_API_UNREACHABLE' }));
    });
  });
});
