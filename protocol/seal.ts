import { gunzipSync, gzipSync } from 'node:zlib';
import { validateBatchShape, validateEnvelope } from '../schemas/validate.js';
import type { Batch } from './batch.js';
import { canonicalBytes } from './canonical.js';
import { decryptPayload, encryptPayload } from './envelope-cipher.js';
import { ProtocolError } from './errors.js';
import { isRecord } from './is-record.js';
import { EVENT_DEPTH_MAX, jsonDepth } from './json-depth.js';
import { keyId, rsaPrivateKey, rsaPublicKey } from './keys.js';

/** Largest canonical batch, in bytes, sealed or opened (64 MiB). */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

// Compressed data never outgrows what it came from, so its base64 never
// needs more characters than the plaintext limit's base64.
const MAX_DATA_CHARS = Math.ceil(MAX_BATCH_BYTES / 3) * 4;

/** A sealed batch: clear header, wrapped key and AES-256-GCM ciphertext. */
export interface Envelope {
  v: 1;
  agent: string;
  first: number;
  last: number;
  kid: string;
  key: string;
  iv: string;
  tag: string;
  data: string;
}

type EnvelopeHeader = Pick<Envelope, 'v' | 'agent' | 'first' | 'last' | 'kid'>;

/**
 * Seals a signed batch to the collector (DESIGN section 3, step 2): gzip of
 * the canonical batch, encrypted under a fresh AES-256 key wrapped to the
 * sealing key, with the clear header as associated data.
 */
export function sealBatch(
  batch: Batch,
  sealingPublicKeyOrCertPem: string,
): Envelope {
  const first = batch.events[0];
  const last = batch.events[batch.events.length - 1];
  if (!first || !last) {
    throw new ProtocolError('VIGIL_BATCH_INVALID', 'batch has no events');
  }
  const plaintext = canonicalBytes(batch);
  if (plaintext.length > MAX_BATCH_BYTES) {
    throw new ProtocolError(
      'VIGIL_BATCH_INVALID',
      `batch is ${plaintext.length} bytes; the limit is ${MAX_BATCH_BYTES}`,
    );
  }
  const header: EnvelopeHeader = {
    v: 1,
    agent: batch.checkpoint.agent,
    first: first.seq,
    last: last.seq,
    kid: keyId(sealingPublicKeyOrCertPem),
  };
  const sealingKey = rsaPublicKey(sealingPublicKeyOrCertPem);
  const sealed = encryptPayload(gzipSync(plaintext), aad(header), sealingKey);
  return { ...header, ...sealed };
}

/**
 * Opens an envelope sealed to `sealingKid`, and checks the batch inside
 * against the schemas and the clear header. Does not check the agent's
 * signature: the caller does, with the agent's certificate. Throws
 * VIGIL_ENVELOPE_INVALID, VIGIL_ENVELOPE_KEY_UNKNOWN,
 * VIGIL_ENVELOPE_UNWRAP_FAILED, VIGIL_ENVELOPE_DECRYPT_FAILED,
 * VIGIL_BATCH_INVALID or VIGIL_SCHEMA_INVALID.
 */
export function openEnvelope(
  envelope: unknown,
  sealingPrivateKeyPem: string,
  sealingKid: string,
): Batch {
  const sealed = checkEnvelope(envelope);
  if (sealed.kid !== sealingKid) {
    throw new ProtocolError(
      'VIGIL_ENVELOPE_KEY_UNKNOWN',
      `envelope /kid: ${sealed.kid} is not this collector's sealing key`,
    );
  }
  const sealingKey = rsaPrivateKey(sealingPrivateKeyPem);
  const compressed = decryptPayload(sealed, aad(sealed), sealingKey);
  const batch = validateBatchShape(parseJson(inflate(compressed)));
  checkEventDepth(batch);
  checkHeaderMatches(sealed, batch);
  return batch;
}

// The schema bounds the depth of every field but `detail`, which is
// free-form: only it is measured.
function checkEventDepth(batch: Batch): void {
  const index = batch.events.findIndex(
    ({ detail }) =>
      detail !== undefined &&
      jsonDepth(detail, EVENT_DEPTH_MAX) >= EVENT_DEPTH_MAX,
  );
  if (index >= 0) {
    throw new ProtocolError(
      'VIGIL_SCHEMA_INVALID',
      `batch /events/${index}: nests arrays and objects deeper than ` +
        `${EVENT_DEPTH_MAX} levels`,
    );
  }
}

// The associated data is the canonical header of exactly these five fields.
function aad(header: EnvelopeHeader): Buffer {
  const { v, agent, first, last, kid } = header;
  return canonicalBytes({ v, agent, first, last, kid });
}

// The size check comes first so the schema's pattern never scans a huge body.
function checkEnvelope(envelope: unknown): Envelope {
  if (
    isRecord(envelope) &&
    typeof envelope.data === 'string' &&
    envelope.data.length > MAX_DATA_CHARS
  ) {
    throw new ProtocolError(
      'VIGIL_ENVELOPE_INVALID',
      `envelope /data: is longer than ${MAX_DATA_CHARS} characters`,
    );
  }
  return validateEnvelope(envelope);
}

// A decompression bomb stops at the cap instead of filling memory.
function inflate(compressed: Buffer): Buffer {
  try {
    return gunzipSync(compressed, { maxOutputLength: MAX_BATCH_BYTES });
  } catch (error) {
    const tooLarge =
      (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new ProtocolError(
      'VIGIL_BATCH_INVALID',
      tooLarge
        ? `batch is larger than ${MAX_BATCH_BYTES} bytes once decompressed`
        : 'batch is not valid gzip',
    );
  }
}

// Strict UTF-8: a replaced byte would change the canonical form silently.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(UTF8.decode(bytes)) as unknown;
  } catch {
    // The parser's message quotes the plaintext, so it is not kept as cause.
    throw new ProtocolError(
      'VIGIL_BATCH_INVALID',
      `batch is not UTF-8 JSON (${bytes.length} bytes)`,
    );
  }
}

function checkHeaderMatches(header: EnvelopeHeader, batch: Batch): void {
  const inside = {
    agent: batch.checkpoint.agent,
    first: batch.events[0]?.seq,
    last: batch.events.at(-1)?.seq,
  };
  const fields = ['agent', 'first', 'last'] as const;
  const field = fields.find((name) => header[name] !== inside[name]);
  if (field) {
    throw new ProtocolError(
      'VIGIL_BATCH_INVALID',
      `envelope /${field}: does not match the batch inside`,
    );
  }
}
