import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, LogLevel, loadEnvConfig, quietLogLevel } from './config.ts';

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  TARGET_URL: Type.String({ pattern: '^https?://' }),
  LOG_LEVEL: LogLevel,
});

describe('loadEnvConfig', () => {
  it('converts the variables and fills defaults, an empty variable counting as unset', () => {
    expect(loadEnvConfig(schema, { PORT: '', TARGET_URL: 'http://x' })).toEqual({ PORT: 3000, TARGET_URL: 'http://x', LOG_LEVEL: 'info' });
  });

  it('names every bad variable with what it got, masked, and its hint', () => {
    const load = () => loadEnvConfig(schema, { PORT: 'abc', TARGET_URL: 'ftp://u:Secr3tPass@h/' }, { hints: { PORT: 'set it to a port number' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('Invalid configuration: PORT must be integer (got "abc"): set it to a port number; TARGET_URL must match pattern "^https?://" (got "ftp://u:***@h/")');
  });

  it('names a missing required variable', () => {
    expect(() => loadEnvConfig(schema, {})).toThrow("Invalid configuration: TARGET_URL must have required property 'TARGET_URL'");
  });
});

describe('quietLogLevel', () => {
  it('is warn, or the configured level when that is quieter', () => {
    expect(quietLogLevel('debug')).toBe('warn');
    expect(quietLogLevel('error')).toBe('error');
  });
});
