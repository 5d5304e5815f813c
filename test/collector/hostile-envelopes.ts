import type { Envelope } from '../../protocol/seal.js';
import {
  BODY,
  ENVELOPE,
  expectCodes,
  type Hostile,
  type HostileContext,
} from './hostile-outcome.js';

const DEEP = 100_000;

/** Well-framed JSON that is no envelope, or an envelope that lies. */
export function envelopeHostiles(ctx: HostileContext): Hostile[] {
  const { post, input } = ctx;
  const { nextOfA } = input;
  return [
    {
      kind: 'truncated ciphertext',
      send: (i) =>
        post(JSON.stringify({ ...nextOfA, data: cut(nextOfA.data, i) })).then(
          expectCodes([
            'VIGIL_ENVELOPE_INVALID',
            'VIGIL_ENVELOPE_DECRYPT_FAILED',
            'VIGIL_BATCH_INVALID',
          ]),
        ),
    },
    {
      kind: 'deeply nested JSON',
      send: (i) => post(deepJson(i)).then(expectCodes([...ENVELOPE, ...BODY])),
    },
    {
      kind: 'huge JSON',
      send: (i) =>
        post(hugeJson(i, nextOfA)).then(expectCodes([...ENVELOPE, ...BODY])),
    },
    {
      kind: 'prototype poisoning',
      send: (i) =>
        post(
          i % 2
            ? `{"__proto__":{"admin":true},"v":1}`
            : `{"constructor":{"prototype":{"admin":true}}}`,
        ).then(expectCodes(BODY)),
    },
    {
      kind: 'unknown sealing key id',
      send: (i) =>
        post(JSON.stringify({ ...nextOfA, kid: hex64(i) })).then(
          expectCodes(['VIGIL_ENVELOPE_KEY_UNKNOWN']),
        ),
    },
    {
      kind: 'ciphertext of another agent',
      send: (i) => {
        const other = i % 2 ? input.storedOfB : input.nextOfB;
        const { key, iv, tag, data } = other;
        return post(JSON.stringify({ ...nextOfA, key, iv, tag, data })).then(
          expectCodes(['VIGIL_ENVELOPE_DECRYPT_FAILED']),
        );
      },
    },
    {
      kind: "another agent's batch replayed",
      send: (i) =>
        post(JSON.stringify(i % 2 ? input.storedOfB : input.nextOfB)).then(
          expectCodes(['VIGIL_AGENT_MISMATCH']),
        ),
    },
    {
      kind: 'header claiming another agent',
      send: (i) =>
        (i % 2
          ? post(JSON.stringify({ ...nextOfA, agent: input.b.id }))
          : post(JSON.stringify(input.forgedByA))
        ).then(
          expectCodes([
            'VIGIL_ENVELOPE_DECRYPT_FAILED',
            'VIGIL_AGENT_MISMATCH',
          ]),
        ),
    },
  ];
}

function cut(data: string, i: number): string {
  // A prime step spreads the cut points over the whole ciphertext.
  return data.slice(0, (i * 7_919) % data.length);
}

function hex64(i: number): string {
  return i.toString(16).padStart(64, 'e').slice(-64);
}

function deepJson(i: number): string {
  const depth = DEEP - (i % 1000);
  switch (i % 3) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth);
    case 1:
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    default:
      return `{"v":1,"agent":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  }
}

function hugeJson(i: number, envelope: Envelope): string {
  switch (i % 4) {
    case 0:
      return `[${'1,'.repeat(500_000)}1]`;
    case 1:
      return JSON.stringify({ ...envelope, extra: 'x'.repeat(2_000_000) });
    case 2:
      return JSON.stringify(
        Object.fromEntries(
          Array.from({ length: 50_000 }, (_, k) => [`k${k}`, k]),
        ),
      );
    default:
      return JSON.stringify({ ...envelope, agent: 'a'.repeat(1_000_000) });
  }
}
