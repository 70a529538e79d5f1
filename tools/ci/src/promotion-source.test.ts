import { describe, expect, it } from 'vitest';
import { promotionSource } from './promotion-source.ts';

const environments = [{ name: 'dev' }, { name: 'staging' }, { name: 'prod', from: 'staging' }, { name: 'prod-eu', from: 'staging' }];

describe('promotionSource', () => {
  it("is the environment's from: when it names one", () => {
    expect(promotionSource(environments, 'prod-eu')).toBe('staging');
  });

  it('is the environment listed before it otherwise', () => {
    expect(promotionSource(environments, 'staging')).toBe('dev');
  });

  it('refuses the first environment, which nothing is promoted into', () => {
    expect(() => promotionSource(environments, 'dev')).toThrow(/first environment/);
  });
});
