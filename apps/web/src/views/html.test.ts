import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from './html.ts';

describe('html', () => {
  it('escapes every interpolated string', () => {
    expect(html`<p title="${'"x"'}">${'<script>alert(1)</script> & co'}</p>`.value).toBe('<p title="&quot;x&quot;">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>');
  });

  it('inserts nested html fragments and raw markup unescaped', () => {
    expect(html`<ul>${[html`<li>${'a<b'}</li>`, raw('<li>ok</li>')]}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>ok</li></ul>');
  });

  it('renders null, undefined and false as nothing and numbers as text', () => {
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it('escapes single quotes and backticks for attribute safety', () => {
    expect(escapeHtml("'`")).toBe('&#39;&#96;');
  });
});
