// Every `<%=` of a template and the strings built outside one go through one escaper: it escapes
// what ejs's own escaper does, to the same entities, and hands back a value with nothing to escape
// as it is.
import { expect } from 'chai';
import ejs from 'ejs';
import { escapeHtml } from '../../src/core/web/escape-html.ts';
import { renderTemplate } from '../../src/core/web/render.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).to.equal(
      '&lt;a href=&#34;x&#34; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
    );
    expect(escapeHtml('&&')).to.equal('&amp;&amp;');
    expect(escapeHtml('<')).to.equal('&lt;');
    expect(escapeHtml('ends with >')).to.equal('ends with &gt;');
  });

  it('hands back a string with nothing to escape as it is', () => {
    const text = 'Invoice INV-2026-0042, € 1.234,00';
    expect(escapeHtml(text)).to.equal(text);
    expect(escapeHtml('')).to.equal('');
  });

  it('writes numbers and other values as text, null and undefined as nothing', () => {
    expect(escapeHtml(1234.5)).to.equal('1234.5');
    expect(escapeHtml(false)).to.equal('false');
    expect(escapeHtml(null)).to.equal('');
    expect(escapeHtml(undefined)).to.equal('');
    expect(escapeHtml({ toString: () => '<b>' })).to.equal('&lt;b&gt;');
  });

  it("answers what ejs's own escaper answers, character for character", () => {
    const alphabet = ['<', '>', '&', '"', "'", 'a', ' ', 'é', '€', '\u{1F600}', '\n', '=', '#', ';'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 2_000; i++) {
      const length = Math.floor(random() * 12);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(escapeHtml(text), JSON.stringify(text)).to.equal(ejs.escapeXML(text));
    }
  });

  it("escapes a template's values", () => {
    expect(renderTemplate('partials/icon', { name: 'x"><script>' })).to.contain('href="#icon-x&#34;&gt;&lt;script&gt;"');
  });
});
