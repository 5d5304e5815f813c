import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRsaKeyPair, keyId } from '../../protocol/keys.js';
import {
  certFingerprint,
  createCa,
  createCsr,
  createServerCertificate,
  issueAgentCertificate,
  issueCertificate,
  normalizeFingerprint,
  readCsr,
  verifyCertificate,
  type CertAndKey,
} from '../../protocol/pki.js';
import { expectProtocolError } from './expect-error.js';

type Pair = { privateKeyPem: string; publicKeyPem: string };

const DAY_MS = 24 * 60 * 60 * 1000;
const AGENT = { id: 'agent-build-01', vendor: '深圳 acme_sub 有限公司' };

let ca: CertAndKey;
let otherCa: CertAndKey;
let agentKeys: Pair;
let csrPem: string;
let agentCertPem: string;

beforeAll(() => {
  ca = createCa('Vigil Collector CA');
  otherCa = createCa('Vigil Collector CA');
  agentKeys = generateRsaKeyPair(2048);
  csrPem = createCsr(
    agentKeys.privateKeyPem,
    agentKeys.publicKeyPem,
    'ignored',
  );
  agentCertPem = issueAgentCertificate(ca, csrPem, AGENT);
});

describe('createCa', () => {
  describe('when a collector is initialised', () => {
    it('makes a self-signed 3072-bit CA that may sign certificates', () => {
      const cert = new X509Certificate(ca.certPem);
      expect(cert.ca).toBe(true);
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(cert.subject).toBe('CN=Vigil Collector CA');
      expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
      const usage = forge.pki
        .certificateFromPem(ca.certPem)
        .getExtension('keyUsage') as { keyCertSign?: boolean };
      expect(usage.keyCertSign).toBe(true);
    });
  });
});

describe('createServerCertificate', () => {
  let server: CertAndKey;

  beforeAll(() => {
    server = createServerCertificate(ca, ['vigil.example.cn', '10.0.0.7']);
  });

  describe('when hosts are given', () => {
    it('names them and always localhost, 127.0.0.1 and ::1', () => {
      const cert = new X509Certificate(server.certPem);
      const names = cert.subjectAltName?.split(', ') ?? [];
      expect(names).toEqual(
        expect.arrayContaining([
          'DNS:vigil.example.cn',
          'IP Address:10.0.0.7',
          'DNS:localhost',
          'IP Address:127.0.0.1',
          'IP Address:0:0:0:0:0:0:0:1',
        ]),
      );
      expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
      expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    });
  });

  describe('when a host is neither a name nor an address', () => {
    it('throws VIGIL_CERT_INVALID', () => {
      expectProtocolError(
        () => createServerCertificate(ca, ['https://vigil/']),
        'VIGIL_CERT_INVALID',
      );
    });
  });

  describe('when an agent connects over mutual TLS', () => {
    let port: number;
    let close: () => Promise<void>;
    const seen: { authorized: boolean; cn: unknown }[] = [];

    beforeAll(async () => {
      const tls = createServer(
        {
          key: server.privateKeyPem,
          cert: server.certPem,
          ca: [ca.certPem],
          requestCert: true,
          rejectUnauthorized: true,
        },
        (socket: TLSSocket) => {
          const peer = socket.getPeerCertificate();
          seen.push({ authorized: socket.authorized, cn: peer.subject?.CN });
          socket.end('ok');
        },
      );
      tls.listen(0, '127.0.0.1');
      await once(tls, 'listening');
      port = (tls.address() as AddressInfo).port;
      close = () => new Promise((resolve) => tls.close(() => resolve()));
    });

    afterAll(async () => {
      await close();
    });

    it('OpenSSL accepts both certificates, by IP and by name', async () => {
      for (const servername of [undefined, 'localhost']) {
        const socket = connect({
          host: '127.0.0.1',
          port,
          servername,
          ca: [ca.certPem],
          key: agentKeys.privateKeyPem,
          cert: agentCertPem,
        });
        await once(socket, 'secureConnect');
        expect(socket.authorized).toBe(true);
        // Under TLS 1.3 the server checks the client certificate after the
        // client's handshake ends; its answer proves it accepted ours.
        const [answer] = (await once(socket, 'data')) as [Buffer];
        expect(answer.toString()).toBe('ok');
        socket.destroy();
      }
      expect(seen).toEqual([
        { authorized: true, cn: AGENT.id },
        { authorized: true, cn: AGENT.id },
      ]);
    });
  });
});

describe('readCsr', () => {
  describe('when the CSR is well formed', () => {
    it('returns its key and common name', () => {
      const read = readCsr(csrPem);
      expect(read.cn).toBe('ignored');
      expect(keyId(read.publicKeyPem)).toBe(keyId(agentKeys.publicKeyPem));
    });
  });

  describe('when a byte of its signature flipped', () => {
    it('throws VIGIL_CSR_INVALID', () => {
      const der = Buffer.from(forge.pem.decode(csrPem)[0]!.body, 'binary');
      der[der.length - 5]! ^= 0x01;
      const broken = forge.pem.encode({
        type: 'CERTIFICATE REQUEST',
        body: der.toString('binary'),
      });
      expectProtocolError(() => readCsr(broken), 'VIGIL_CSR_INVALID');
    });
  });

  describe('when the input is not a CSR', () => {
    it.each([
      ['garbage', 'hello'],
      ['a certificate', () => agentCertPem],
      ['oversized', 'A'.repeat(100_000)],
      ['not a string', 42],
    ])('throws VIGIL_CSR_INVALID for %s', (_, input) => {
      const value = typeof input === 'function' ? input() : input;
      expectProtocolError(
        () => readCsr(value as unknown as string),
        'VIGIL_CSR_INVALID',
      );
    });
  });

  describe('when the key is too small', () => {
    it('throws VIGIL_CSR_INVALID', () => {
      const weak = generateRsaKeyPair(1024);
      const csr = createCsr(weak.privateKeyPem, weak.publicKeyPem, 'weak');
      const error = expectProtocolError(
        () => readCsr(csr),
        'VIGIL_CSR_INVALID',
      );
      expect(error.message).toContain('1024');
    });
  });
});

describe('createCsr', () => {
  describe('when the public key is not of the private key', () => {
    it('throws VIGIL_KEY_INVALID', () => {
      const other = generateRsaKeyPair(2048);
      expectProtocolError(
        () => createCsr(agentKeys.privateKeyPem, other.publicKeyPem, 'x'),
        'VIGIL_KEY_INVALID',
      );
    });
  });
});

describe('issueAgentCertificate', () => {
  describe('when the agent enrolls', () => {
    it('names the agent and vendor, not what the CSR asked for', () => {
      const verified = verifyCertificate(agentCertPem, ca.certPem);
      expect(verified.cn).toBe(AGENT.id);
      expect(verified.o).toBe(AGENT.vendor);
      expect(keyId(verified.publicKeyPem)).toBe(keyId(agentKeys.publicKeyPem));
      expect(new X509Certificate(agentCertPem).keyUsage).toEqual([
        '1.3.6.1.5.5.7.3.2',
      ]);
    });

    it('gives each certificate a random serial', () => {
      const again = issueAgentCertificate(ca, csrPem, AGENT);
      const a = verifyCertificate(agentCertPem, ca.certPem).serial;
      const b = verifyCertificate(again, ca.certPem).serial;
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(a).not.toBe(b);
    });
  });
});

describe('issueCertificate', () => {
  describe.each([
    ['sealing', { keyEncipherment: true, digitalSignature: false }],
    ['signing', { keyEncipherment: false, digitalSignature: true }],
  ] as const)('when the usage is %s', (usage, bits) => {
    it('sets the matching key usage and no CA right', () => {
      const pem = issueCertificate(
        ca,
        agentKeys.publicKeyPem,
        { cn: 'c' },
        usage,
      );
      const cert = forge.pki.certificateFromPem(pem);
      const keyUsage = cert.getExtension('keyUsage') as Record<string, boolean>;
      expect(Boolean(keyUsage.keyEncipherment)).toBe(bits.keyEncipherment);
      expect(Boolean(keyUsage.digitalSignature)).toBe(bits.digitalSignature);
      expect(new X509Certificate(pem).ca).toBe(false);
    });
  });

  describe('when the CA key does not belong to the CA certificate', () => {
    it('throws VIGIL_KEY_INVALID', () => {
      const mixed = {
        certPem: ca.certPem,
        privateKeyPem: otherCa.privateKeyPem,
      };
      expectProtocolError(
        () =>
          issueCertificate(
            mixed,
            agentKeys.publicKeyPem,
            { cn: 'c' },
            'client',
          ),
        'VIGIL_KEY_INVALID',
      );
    });
  });
});

describe('verifyCertificate', () => {
  describe('when another CA issued it, even one with the same name', () => {
    it('throws VIGIL_CERT_UNTRUSTED', () => {
      const foreign = issueAgentCertificate(otherCa, csrPem, AGENT);
      expectProtocolError(
        () => verifyCertificate(foreign, ca.certPem),
        'VIGIL_CERT_UNTRUSTED',
      );
    });
  });

  describe('when it has expired', () => {
    it('throws VIGIL_CERT_INVALID', () => {
      const { notAfter } = verifyCertificate(agentCertPem, ca.certPem);
      const later = new Date(notAfter.getTime() + DAY_MS);
      const error = expectProtocolError(
        () => verifyCertificate(agentCertPem, ca.certPem, later),
        'VIGIL_CERT_INVALID',
      );
      expect(error.message).toContain('expired');
    });
  });

  describe('when it is not valid yet', () => {
    it('throws VIGIL_CERT_INVALID', () => {
      const before = new Date(Date.now() - DAY_MS);
      expectProtocolError(
        () => verifyCertificate(agentCertPem, ca.certPem, before),
        'VIGIL_CERT_INVALID',
      );
    });
  });

  describe('when it lasts as long as agent certificates do', () => {
    it('expires about a year from now', () => {
      const { notAfter } = verifyCertificate(agentCertPem, ca.certPem);
      const days = (notAfter.getTime() - Date.now()) / DAY_MS;
      expect(days).toBeGreaterThan(364);
      expect(days).toBeLessThanOrEqual(365);
    });
  });

  describe('when the certificate is the CA itself', () => {
    it('throws VIGIL_CERT_INVALID', () => {
      expectProtocolError(
        () => verifyCertificate(ca.certPem, ca.certPem),
        'VIGIL_CERT_INVALID',
      );
    });
  });

  describe('when the certificate is not one', () => {
    it.each([
      ['garbage', 'garbage'],
      ['a CSR', () => csrPem],
      ['an EC certificate', EC_CERT_PEM],
    ])('throws VIGIL_CERT_INVALID for %s', (_, input) => {
      const pem = typeof input === 'function' ? input() : input;
      expectProtocolError(
        () => verifyCertificate(pem, ca.certPem),
        'VIGIL_CERT_INVALID',
      );
    });
  });
});

describe('certFingerprint', () => {
  describe('when given a certificate', () => {
    it('is the SHA-256 of its DER, as OpenSSL computes it', () => {
      const expected = new X509Certificate(ca.certPem).fingerprint256;
      expect(certFingerprint(ca.certPem)).toBe(
        expected.replaceAll(':', '').toLowerCase(),
      );
    });
  });

  describe('when given something else', () => {
    it('throws VIGIL_CERT_INVALID', () => {
      expectProtocolError(() => certFingerprint(csrPem), 'VIGIL_CERT_INVALID');
      expectProtocolError(() => certFingerprint('x'), 'VIGIL_CERT_INVALID');
    });
  });
});

describe('normalizeFingerprint', () => {
  describe('when pasted in the forms people copy', () => {
    it('returns lowercase hex', () => {
      const hex = certFingerprint(ca.certPem);
      const colons = new X509Certificate(ca.certPem).fingerprint256;
      for (const form of [
        hex,
        hex.toUpperCase(),
        colons,
        `sha256 Fingerprint=${colons}`,
        `SHA256:${hex}`,
        `  ${colons.toLowerCase()}\n`,
      ]) {
        expect(normalizeFingerprint(form)).toBe(hex);
      }
    });
  });

  describe('when it is not a SHA-256 fingerprint', () => {
    it.each([['abc'], ['x'.repeat(64)], ['ab'.repeat(20)]])(
      'throws VIGIL_FINGERPRINT_INVALID for %s',
      (input) => {
        expectProtocolError(
          () => normalizeFingerprint(input),
          'VIGIL_FINGERPRINT_INVALID',
        );
      },
    );
  });
});

// forge reads RSA certificates only; an EC one must fail as invalid, not
// crash. Made with `openssl req -x509 -newkey ec -pkeyopt
// ec_paramgen_curve:P-256 -days 1 -subj /CN=ec -nodes` on this machine.
const EC_CERT_PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBbzCCARWgAwIBAgIUIdtQD1vFUtgY8km30Lj78Ic8MQgwCgYIKoZIzj0EAwIw',
  'DTELMAkGA1UEAwwCZWMwHhcNMjYxMjA0MTU0MzMxWhcNMjYxMjA1MTU0MzMxWjAN',
  'MQswCQYDVQQDDAJlYzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDOQqkjst/74',
  'h2Hr9iuihrpy5n4pxkH1am7NQSJtbk8obt1kiovTKoYMCK1AK3VMtz3/8VSmkHOP',
  'FEgJyjRVRKOjUzBRMB0GA1UdDgQWBBSNsUzsyV2sRaWt2qrxKBK9NX/ghzAfBgNV',
  'HSMEGDAWgBSNsUzsyV2sRaWt2qrxKBK9NX/ghzAPBgNVHRMBAf8EBTADAQH/MAoG',
  'CCqGSM49BAMCA0gAMEUCIB94z/EuKG9qikI4f1ea1nr0I94ZYMLfXlkZNb85eUSM',
  'AiEA8dXOy9YSYnohxYhpb6jfagxAS+bYfsntqQFphlV9CiI=',
  '-----END CERTIFICATE-----',
].join('\n');
