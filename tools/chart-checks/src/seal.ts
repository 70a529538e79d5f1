// Sealing as kubeseal does it (sealed-secrets pkg/crypto HybridEncrypt), for values files sealed
// without a cluster at hand: a random AES-256-GCM session key encrypts the value (zero nonce, used
// once), RSA-OAEP-SHA256 with the scope's label encrypts the session key; the output is the RSA
// block's length (2 bytes, big-endian), the RSA block, then the AES-GCM ciphertext and tag.
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes, type KeyLike } from 'node:crypto';

export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';

export function sealingLabel(namespace: string, name: string, scope: SealingScope): string {
  if (scope === 'cluster-wide') return '';
  if (scope === 'namespace-wide') return namespace;
  return `${namespace}/${name}`;
}

const zeroNonce = Buffer.alloc(12);

export function sealValue(certificate: KeyLike, plaintext: string, label: string): string {
  const sessionKey = randomBytes(32);
  const rsaBlock = publicEncrypt({ key: certificate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) }, sessionKey);
  const cipher = createCipheriv('aes-256-gcm', sessionKey, zeroNonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsaBlock.length);
  return Buffer.concat([length, rsaBlock, body]).toString('base64');
}

/** The inverse, as the controller does it: for tests, with a key made for the test. */
export function unsealValue(privateKey: KeyLike, ciphertext: string, label: string): string {
  const bytes = Buffer.from(ciphertext, 'base64');
  const rsaLength = bytes.readUInt16BE(0);
  const sessionKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) }, bytes.subarray(2, 2 + rsaLength));
  const body = bytes.subarray(2 + rsaLength);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, zeroNonce);
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
}
