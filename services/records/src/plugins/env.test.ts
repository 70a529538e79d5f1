import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, quietLogLevel } from './env.ts';

describe('loadConfig', () => {
  it('fills the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      APP_ENV: 'development',
      DEMO_SECRET: '',
      LOG_LEVEL: 'info',
      SHUTDOWN_DELAY_MS: 0,
      MIGRATE_ON_START: true,
      GIT_COMMIT: 'unknown',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.APP_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(config.DATA_DIR).toMatch(/services\/records\/\.data$/);
  });

  it('reads and converts the variables it knows', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://app:pw@db:3306/records',
      PORT: '8080',
      MIGRATE_ON_START: 'false',
      SHUTDOWN_DELAY_MS: '5000',
      APP_VERSION: '2.0.0',
      GIT_COMMIT: 'f'.repeat(40),
    });
    expect(config).toMatchObject({ DATABASE_URL: 'mysql://app:pw@db:3306/records', PORT: 8080, MIGRATE_ON_START: false, SHUTDOWN_DELAY_MS: 5000 });
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ HOME: '/root' })).not.toHaveProperty('HOME');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '' });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', /PORT must be integer \(got "abc"\)/],
    ['PORT', '70000', /PORT must be <= 65535 \(got "70000"\)/],
    ['DATABASE_URL', 'postgres://db/records', /DATABASE_URL must match pattern .* \(got "postgres:\/\/db\/records"\)/],
    ['DATABASE_URL', 'mysql://db:3306', /DATABASE_URL must match pattern/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be equal to one of the allowed values \(got "loud"\)/],
    ['MIGRATE_ON_START', 'maybe', /MIGRATE_ON_START must be boolean \(got "maybe"\)/],
    ['SHUTDOWN_DELAY_MS', '-1', /SHUTDOWN_DELAY_MS must be >= 0 \(got "-1"\)/],
  ])('rejects %s=%s with a message naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it('never echoes the password of a DATABASE_URL it refuses', () => {
    const attempt = () => loadConfig({ DATABASE_URL: 'postgres://app:Sup3rPassw0rd@db/records' });
    expect(attempt).toThrow(/DATABASE_URL must match pattern .* \(got "postgres:\/\/app:\*\*\*@db\/records"\)/);
    expect(attempt).not.toThrow(/Sup3rPassw0rd/);
  });

  it.each([
    ['that cuts the port', 'mysql://app:pa#ss@db:3306/records'],
    ['that parses as a fragment', 'mysql://app:12#34@db:3306/records'],
  ])('refuses a password with # %s, says to percent-encode it, and does not echo it', (_case, url) => {
    const attempt = () => loadConfig({ DATABASE_URL: url });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL is not a valid URL \(got "mysql:\/\/app:\*\*\*@db:3306\/records"\): percent-encode .*# as %23/);
    expect(attempt).not.toThrow(/#ss|#34/);
  });

  it('accepts the percent-encoded form of such a password', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://app:pa%23ss@db:3306/records' }).DATABASE_URL).toBe('mysql://app:pa%23ss@db:3306/records');
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT must be integer.*; LOG_LEVEL must be equal to one of/);
  });
});

describe('quietLogLevel', () => {
  it('is warn unless LOG_LEVEL is quieter', () => {
    expect(quietLogLevel('debug')).toBe('warn');
    expect(quietLogLevel('info')).toBe('warn');
    expect(quietLogLevel('error')).toBe('error');
    expect(quietLogLevel('silent')).toBe('silent');
  });
});
