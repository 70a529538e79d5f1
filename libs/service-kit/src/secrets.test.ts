import { describe, expect, it } from 'vitest';
import { credentialMasker, maskCredentials } from './secrets.ts';

describe('maskCredentials', () => {
  it.each([
    ['a plain password', 'mysql://app:Sup3rPassw0rd@db:3306/records', 'mysql://app:***@db:3306/records'],
    ['a password with # (not a valid URL)', 'got "mysql://app:pa#ss@db/records"', 'got "mysql://app:***@db/records"'],
    ['a password with @', 'mysql://app:p@ss@db/records', 'mysql://app:***@db/records'],
    ['a percent-encoded password', 'mysql://app:pa%23ss@db/records', 'mysql://app:***@db/records'],
    ['two URLs in one line', 'a mysql://a:one@x/d b http://b:two@y', 'a mysql://a:***@x/d b http://b:***@y'],
  ])('hides %s', (_case, text, masked) => {
    expect(maskCredentials(text)).toBe(masked);
  });

  it('leaves URLs without a password alone', () => {
    expect(maskCredentials('mysql://root@127.0.0.1:3306/test and http://records:8080/x')).toBe('mysql://root@127.0.0.1:3306/test and http://records:8080/x');
  });
});

describe('credentialMasker', () => {
  it('also hides the passwords of the given URLs where they appear alone, written or decoded', () => {
    const mask = credentialMasker('mysql://app:S3cret%23pw@db/records');
    expect(mask('password S3cret#pw and S3cret%23pw')).toBe('password *** and ***');
  });
});
