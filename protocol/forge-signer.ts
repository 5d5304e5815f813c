import { constants, privateEncrypt } from 'node:crypto';
import forge from 'node-forge';
import { rsaPrivateKey } from './keys.js';

// DER prefix of the SHA-256 DigestInfo (RFC 8017 section 9.2, note 1).
const SHA256_DIGEST_INFO = Buffer.from(
  '3031300d060960864801650304020105000420',
  'hex',
);

/**
 * A stand-in for a forge private key whose `sign` runs RSASSA-PKCS1-v1_5 in
 * OpenSSL: forge's JavaScript RSA takes ~150 ms per 3072-bit signature on
 * this machine, OpenSSL ~2 ms. forge only ever calls `sign(md)` on it.
 */
export function nodeSigner(privateKeyPem: string): forge.pki.rsa.PrivateKey {
  const key = rsaPrivateKey(privateKeyPem);
  const signer = {
    sign(md: forge.md.MessageDigest): string {
      if (md.algorithm !== 'sha256') {
        throw new Error(`nodeSigner signs SHA-256 only, got ${md.algorithm}`);
      }
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      const block = Buffer.concat([SHA256_DIGEST_INFO, digest]);
      const padding = constants.RSA_PKCS1_PADDING;
      return privateEncrypt({ key, padding }, block).toString('binary');
    },
  };
  return signer as unknown as forge.pki.rsa.PrivateKey;
}

/** forge writes CRLF PEM; Vigil's files use LF like OpenSSL's. */
export function lfPem(pem: string): string {
  return pem.replace(/\r\n/g, '\n');
}

/** Attribute value as text: forge leaves UTF8String values encoded. */
export function attributeText(
  attributes: readonly forge.pki.CertificateField[],
  shortName: string,
): string | null {
  const field = attributes.find((a) => a.shortName === shortName);
  if (!field || typeof field.value !== 'string') return null;
  // forge types the tag as a class, but it holds the ASN.1 type number.
  return (field.valueTagClass as number) === forge.asn1.Type.UTF8
    ? forge.util.decodeUtf8(field.value)
    : field.value;
}
