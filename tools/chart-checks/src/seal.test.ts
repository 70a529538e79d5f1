import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealingLabel, sealValue, unsealValue } from './seal.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('sealing', () => {
  it('opens with the private key and the same scope label', () => {
    const label = sealingLabel('platform-dev', 'records-secrets', 'strict');
    expect(unsealValue(privateKey, sealValue(publicKey, 'the demo secret', label), label)).toBe('the demo secret');
  });

  it('does not open for another namespace when sealed strictly', () => {
    const ciphertext = sealValue(publicKey, 'the demo secret', sealingLabel('platform-dev', 'records-secrets', 'strict'));
    expect(() => unsealValue(privateKey, ciphertext, sealingLabel('platform-prod', 'records-secrets', 'strict'))).toThrow();
  });

  it('labels the scopes as the controller does', () => {
    expect([sealingLabel('ns', 'name', 'strict'), sealingLabel('ns', 'name', 'namespace-wide'), sealingLabel('ns', 'name', 'cluster-wide')]).toEqual(['ns/name', 'ns', '']);
  });

  it('never repeats a ciphertext for the same value', () => {
    expect(sealValue(publicKey, 'same', 'l')).not.toBe(sealValue(publicKey, 'same', 'l'));
  });
});
