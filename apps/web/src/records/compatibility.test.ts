import { describe, expect, it } from 'vitest';
import { checkCompatibility, supportedRecordsApiMajors } from './compatibility.ts';

describe('checkCompatibility', () => {
  it('declares records API v1 as supported', () => {
    expect(supportedRecordsApiMajors).toEqual([1]);
  });

  it('accepts a supported major', () => {
    expect(checkCompatibility(1)).toEqual({ compatible: true, apiMajor: 1 });
  });

  it('accepts a supported major given as a dotted string', () => {
    expect(checkCompatibility('1.4')).toEqual({ compatible: true, apiMajor: 1 });
  });

  it('refuses an unknown major and says which ones this web supports', () => {
    expect(checkCompatibility(2)).toEqual({ compatible: false, apiMajor: 2, reason: 'records speaks API v2; this web supports records API v1.' });
  });

  it('refuses a records that declares no API version', () => {
    expect(checkCompatibility(undefined)).toMatchObject({ compatible: false, apiMajor: undefined, reason: expect.stringContaining('does not declare a usable API version') });
  });

  it('lists every supported major in the reason', () => {
    expect(checkCompatibility(3, [1, 2])).toMatchObject({ reason: 'records speaks API v3; this web supports records API v1 or v2.' });
  });
});
