import { describe, expect, it } from 'vitest';
import { renderPage, type PageModel } from './page.ts';

const model: PageModel = {
  environment: 'staging',
  web: { version: '1.2.3', commit: 'a'.repeat(40) },
  records: { status: 'ok', version: '2.0.0', commit: 'b'.repeat(40), apiVersion: '1', environment: 'staging', count: 7, secret: 's3cret' },
  form: { name: '', token: 'token-for-tests-0001' },
};

describe('renderPage', () => {
  it('escapes a hostile demo secret instead of running it', () => {
    const page = renderPage({ ...model, records: { ...model.records, secret: '<img src=x onerror=alert(1)>' } as PageModel['records'] });
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapes a hostile record name put back into the form', () => {
    const page = renderPage({ ...model, form: { name: '"><script>alert(1)</script>', error: 'Enter a record name', token: 'token-for-tests-0001' } });
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('escapes a hostile environment name', () => {
    expect(renderPage({ ...model, environment: '</title><script>x</script>' })).not.toContain('<script>x');
  });

  it('links the field error to the input so screen readers announce it', () => {
    const page = renderPage({ ...model, form: { name: '', error: 'Enter a record name of 1 to 200 characters.', token: 'token-for-tests-0001' } });
    expect(page).toMatch(/<input [^>]*aria-describedby="name-error name-hint"[^>]*aria-invalid="true"/);
    expect(page).toContain('<p class="field-error" id="name-error">Enter a record name of 1 to 200 characters.</p>');
  });

  it('shows the short commit and keeps the full one in the title', () => {
    expect(renderPage(model)).toContain(`<code title="${'a'.repeat(40)}">${'a'.repeat(12)}</code>`);
  });

  it('disables the form when records speaks an unsupported API', () => {
    const page = renderPage({ ...model, records: { status: 'incompatible', version: '9.0.0', commit: 'c', apiVersion: '2', reason: 'records speaks API v2; this web supports records API v1.' } });
    expect(page).toContain('<fieldset disabled>');
    expect(page).toContain('records API is incompatible');
  });
});
