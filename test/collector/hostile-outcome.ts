import { request } from 'undici';
import type { Envelope } from '../../protocol/seal.js';
import type { Sender } from './ingest-senders.js';
import type { RawTarget } from './raw-https.js';

/** What one hostile request got back. */
export interface Outcome {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
  /** The codes that name this request's problem; undefined: any 4xx. */
  expected?: readonly string[];
  /** Refused by Node's HTTP parser, before Fastify's routing. */
  parser?: boolean;
}

/** One kind of hostile request; `send(i)` varies it by the counter. */
export interface Hostile {
  kind: string;
  send(i: number): Promise<Outcome>;
}

export interface CorpusInput {
  url: string;
  port: number;
  /** Sends everything below with its own, valid client certificate. */
  a: Sender;
  b: Sender;
  /** A's next valid batch: never sent while the corpus runs. */
  nextOfA: Envelope;
  /** B's batch that the collector holds. */
  storedOfB: Envelope;
  /** B's next valid batch, not sent by B. */
  nextOfB: Envelope;
  /** B's events and checkpoint, signed with A's key. */
  forgedByA: Envelope;
}

/** What every kind of hostile request is built from. */
export interface HostileContext {
  input: CorpusInput;
  /** A's next valid envelope as JSON text. */
  json: string;
  /** Posts to /v1/batches as agent A over its mTLS pool. */
  post(body: string | Buffer, type?: string): Promise<Outcome>;
  /** A's client certificate, for raw TLS exchanges. */
  raw: RawTarget;
}

export const NOT_FOUND = ['VIGIL_NOT_FOUND'];
export const ENVELOPE = ['VIGIL_ENVELOPE_INVALID'];
export const BODY = ['VIGIL_BODY_INVALID'];

export function hostileContext(input: CorpusInput): HostileContext {
  const { a } = input;
  return {
    input,
    json: JSON.stringify(input.nextOfA),
    post: (body, type = 'application/json') => postAs(input.url, a, body, type),
    raw: {
      port: input.port,
      ca: a.state.caPem,
      cert: a.state.certPem,
      key: a.state.privateKeyPem,
    },
  };
}

async function postAs(
  url: string,
  sender: Sender,
  body: string | Buffer,
  type: string,
): Promise<Outcome> {
  const res = await request(`${url}/v1/batches`, {
    method: 'POST',
    dispatcher: sender.mtls,
    headers: { 'content-type': type },
    body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, ...errorOf(text) };
}

export function fromRaw(expected: readonly string[], parser = false) {
  return (reply: { status: number; body: string }): Outcome => ({
    status: reply.status,
    ...errorOf(reply.body),
    expected,
    parser,
  });
}

export function expectCodes(expected: readonly string[]) {
  return (outcome: Outcome): Outcome => ({ ...outcome, expected });
}

function errorOf(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; message?: string };
    };
    return { code: body.error?.code, message: body.error?.message };
  } catch {
    return { code: undefined, message: text.slice(0, 200) };
  }
}
