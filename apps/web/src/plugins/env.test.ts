import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ RECORDS_URL: 'http://127.0.0.1:3000', PORT: 3001, HOST: '0.0.0.0', APP_ENV: 'development', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: 0, GIT_COMMIT: 'unknown' });
    expect(config.APP_VERSION).toBe('0.0.0-development');
  });

  it('reads numbers from their string form', () => {
    expect(loadConfig({ PORT: '8080', SHUTDOWN_DELAY_MS: '5000' })).toMatchObject({ PORT: 8080, SHUTDOWN_DELAY_MS: 5000 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3001);
  });

  it('names a port that is not a number and says how to fix it', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be integer \(got "eighty"\): set it to a port number/);
  });

  it('names a RECORDS_URL that is not an http URL and shows an example', () => {
    expect(() => loadConfig({ RECORDS_URL: 'records:3000' })).toThrow(/RECORDS_URL .*\(got "records:3000"\): set it to the records base URL, e.g. http:\/\/127.0.0.1:3000/);
  });

  it.each([
    ['with a password', 'http://web:hunter22@records:8080'],
    ['with a password containing #', 'http://web:hun#ter22@records:8080'],
  ])('refuses a RECORDS_URL %s without echoing the password', (_case, url) => {
    const attempt = () => loadConfig({ RECORDS_URL: url });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/RECORDS_URL .*\(got "http:\/\/web:\*\*\*@records:8080"\)/);
    expect(attempt).not.toThrow(/hunter22|ter22/);
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: '99999', LOG_LEVEL: 'loud' })).toThrow(/PORT.*LOG_LEVEL|LOG_LEVEL.*PORT/);
  });
});
