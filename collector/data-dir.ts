import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  generateNoteKey,
  parseVerifierKey,
  type VerifierKey,
} from '../protocol/signed-note.js';
import { generateRsaKeyPair, keyId } from '../protocol/keys.js';
import {
  createCa,
  createServerCertificate,
  issueCertificate,
  certFingerprint,
  type CertAndKey,
} from '../protocol/pki.js';
import { CollectorError } from './errors.js';
import { CollectorStore } from './store/store.js';

/** Files of a collector data directory, relative to it. */
const FILES = {
  ca: 'ca',
  tls: 'tls',
  signing: 'signing',
  sealing: 'sealing',
  log: 'log',
  store: 'store.db',
} as const;

/** The transparency log's Ed25519 key (c2sp.org/signed-note). */
export interface LogKey {
  /** The log's origin line, also the key's name. */
  origin: string;
  privateKey: KeyObject;
  /** The public half as a verifier key: `origin+keyid+base64`. */
  verifierKey: string;
  verifier: VerifierKey;
}

/** The collector's keys and certificates, loaded from its data directory. */
export interface CollectorIdentity {
  dir: string;
  ca: CertAndKey;
  tls: CertAndKey;
  signing: CertAndKey;
  sealing: CertAndKey;
  /** keyId of the sealing key: agents name it in every envelope. */
  sealingKid: string;
  caFingerprint: string;
  log: LogKey;
  storeFile: string;
}

/**
 * Creates the CA, TLS certificate, signing and sealing keys and an empty
 * store in `dir` (DESIGN section 4). Refuses to overwrite an existing one.
 */
export function initDataDir(dir: string, hosts: string[] = []) {
  if (existsSync(join(dir, `${FILES.ca}.pem`))) {
    throw new CollectorError(
      'VIGIL_DATA_DIR_EXISTS',
      `${dir} already holds a collector; refusing to replace its keys`,
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = createCa('Vigil collector CA');
  writePair(dir, FILES.ca, ca);
  writePair(dir, FILES.tls, createServerCertificate(ca, hosts));
  for (const usage of ['signing', 'sealing'] as const) {
    const keys = generateRsaKeyPair();
    const certPem = issueCertificate(
      ca,
      keys.publicKeyPem,
      { cn: `Vigil collector ${usage}` },
      usage,
    );
    writePair(dir, FILES[usage], {
      certPem,
      privateKeyPem: keys.privateKeyPem,
    });
  }
  writeLogKey(dir, logOrigin(certFingerprint(ca.certPem)));
  new CollectorStore(join(dir, FILES.store)).close();
  return loadDataDir(dir);
}

export function loadDataDir(dir: string): CollectorIdentity {
  if (!existsSync(join(dir, `${FILES.ca}.pem`))) {
    throw new CollectorError(
      'VIGIL_DATA_DIR_MISSING',
      `--data: ${dir} is not a collector data directory (no ca.pem); give the ` +
        'directory made by `vigil collector init`, or make one with it',
    );
  }
  const sealing = readPair(dir, FILES.sealing);
  const ca = readPair(dir, FILES.ca);
  const caFingerprint = certFingerprint(ca.certPem);
  return {
    dir,
    ca,
    tls: readPair(dir, FILES.tls),
    signing: readPair(dir, FILES.signing),
    sealing,
    sealingKid: keyId(sealing.certPem),
    caFingerprint,
    log: readLogKey(dir, caFingerprint),
    storeFile: join(dir, FILES.store),
  };
}

export function openStore(dir: string, readonly = false): CollectorStore {
  const file = join(dir, FILES.store);
  if (!existsSync(file)) {
    throw new CollectorError(
      'VIGIL_DATA_DIR_MISSING',
      `--data: ${dir} is not a collector data directory (no store.db); give ` +
        'the directory made by `vigil collector init`, or make one with it',
    );
  }
  try {
    return new CollectorStore(file, { readonly });
  } catch (error) {
    // A damaged or foreign file must not surface as a raw SQLite error.
    if (error instanceof CollectorError) throw error;
    throw new CollectorError(
      'VIGIL_STORE_UNREADABLE',
      `--data: ${file} is not a Vigil store (${(error as { code?: string }).code ?? 'unreadable'})`,
      { cause: error },
    );
  }
}

function writePair(dir: string, name: string, pair: CertAndKey): void {
  writeFileSync(join(dir, `${name}.pem`), pair.certPem, { mode: 0o644 });
  writeFileSync(join(dir, `${name}.key`), pair.privateKeyPem, { mode: 0o600 });
}

function readPair(dir: string, name: string): CertAndKey {
  return {
    certPem: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    privateKeyPem: readFileSync(join(dir, `${name}.key`), 'utf8'),
  };
}

/** A log's origin: unique per collector, named after its CA. */
function logOrigin(caFingerprint: string): string {
  return `vigil.invalid/collector/${caFingerprint.slice(0, 16)}`;
}

function writeLogKey(dir: string, origin: string): void {
  const key = generateNoteKey(origin);
  writeFileSync(join(dir, `${FILES.log}.key`), key.privateKeyPem, {
    mode: 0o600,
  });
  writeFileSync(join(dir, `${FILES.log}.pub`), `${key.verifierKey}\n`, {
    mode: 0o644,
  });
}

// Data directories made before the log existed get their key on first use.
function readLogKey(dir: string, caFingerprint: string): LogKey {
  if (!existsSync(join(dir, `${FILES.log}.key`))) {
    writeLogKey(dir, logOrigin(caFingerprint));
  }
  const verifierKey = readFileSync(
    join(dir, `${FILES.log}.pub`),
    'utf8',
  ).trim();
  const verifier = parseVerifierKey(verifierKey);
  return {
    origin: verifier.name,
    privateKey: createPrivateKey(
      readFileSync(join(dir, `${FILES.log}.key`), 'utf8'),
    ),
    verifierKey,
    verifier,
  };
}
