// The portal's t() answers plain labels and placeholder-only calls itself (src/core/i18n/translations.ts)
// and hands everything else to i18next. Whatever path a call takes, the text must be exactly what
// i18next gives: checked for every key of every namespace in both languages, with and without values.
import { expect } from 'chai';
import {
  i18nextTranslator,
  LOCALES_DIR,
  loadResources,
  SUPPORTED_LOCALES,
  translator,
  type Locale,
} from '../../src/core/i18n/translations.ts';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';

/** Every 'namespace:key' of a locale, plural forms folded into their base key. */
function keysOf(resources: Record<string, object>): string[] {
  const keys = new Set<string>();
  const walk = (ns: string, prefix: string, node: object) => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (typeof value === 'object' && value !== null) walk(ns, key, value);
      else keys.add(`${ns}:${key.replace(/_(zero|one|two|few|many|other)$/, '')}`);
    }
  };
  for (const [ns, tree] of Object.entries(resources)) walk(ns, '', tree);
  return [...keys];
}

const placeholdersOf = (text: string) => [...text.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((match) => match[1]!);

describe('t(): the fast path gives exactly what i18next gives', function () {
  const resources = loadResources([LOCALES_DIR, ...FEATURE_MANIFESTS.flatMap((feature) => (feature.locales ? [feature.locales] : []))]);

  for (const locale of SUPPORTED_LOCALES as readonly Locale[]) {
    it(`every key in ${locale}: no values, all values, some values, a count, i18next options`, function () {
      const fast = translator(locale);
      const reference = i18nextTranslator(locale);
      const keys = keysOf(resources[locale]!);
      expect(keys.length).to.be.greaterThan(100);
      let withPlaceholders = 0;
      for (const key of keys) {
        // Twice: the second call comes from the memo.
        expect(fast(key), key).to.equal(reference(key));
        expect(fast(key), key).to.equal(reference(key));
        // Every count the plural rules tell apart, on every key (plural or not), alone and with a value;
        // and one the locale groups in thousands.
        for (const count of [0, 1, 2, 5, 21, 1.5, -1, 1000]) {
          expect(fast(key, { count }), `${key} count ${count}`).to.equal(reference(key, { count }));
          expect(fast(key, { count }), `${key} count ${count}`).to.equal(reference(key, { count }));
          expect(fast(key, { count, name: '<i>x</i>' }), `${key} count ${count}`).to.equal(reference(key, { count, name: '<i>x</i>' }));
        }
        const names = placeholdersOf(String(reference(key, { skipInterpolation: true })));
        if (names.length === 0) continue;
        withPlaceholders += 1;
        // Markup and quotes go through untouched: EJS escapes the result, i18next must not.
        const all = Object.fromEntries(names.map((name, index) => [name, index % 2 ? index * 1000 + 0.5 : `<b>"${name}" & co</b>`]));
        expect(fast(key, all), key).to.equal(reference(key, all));
        const some = Object.fromEntries(names.slice(1).map((name) => [name, 'x']));
        expect(fast(key, some), key).to.equal(reference(key, some));
        expect(fast(key, { ...all, count: 2 }), key).to.equal(reference(key, { ...all, count: 2 }));
        expect(fast(key, { ...all, count: 1 }), key).to.equal(reference(key, { ...all, count: 1 }));
        expect(fast(key, { ...all, lng: locale === 'en' ? 'de' : 'en' }), key).to.equal(
          reference(key, { ...all, lng: locale === 'en' ? 'de' : 'en' }),
        );
      }
      expect(withPlaceholders).to.be.greaterThan(20);
    });
  }

  it('no text names a format ({{value, number}}): neither path would apply it', function () {
    const texts = (node: unknown): string[] =>
      typeof node === 'string' ? [node] : typeof node === 'object' && node !== null ? Object.values(node).flatMap(texts) : [];
    const named = SUPPORTED_LOCALES.flatMap((locale) => texts(resources[locale]).filter((text) => /\{\{[^{}]*,[^{}]*\}\}/.test(text)));
    expect(named).to.deep.equal([]);
  });

  it('a missing key, a default value and an empty-string value behave as in i18next', function () {
    const fast = translator('de');
    const reference = i18nextTranslator('de');
    expect(fast('common:no.such.key')).to.equal(reference('common:no.such.key'));
    expect(fast('common:no.such.key', 'Fallback')).to.equal(reference('common:no.such.key', 'Fallback'));
    expect(fast('common:no.such.key', { defaultValue: 'Fallback {{x}}', x: 1 })).to.equal(
      reference('common:no.such.key', { defaultValue: 'Fallback {{x}}', x: 1 }),
    );
  });
});

describe("t(): a count in the locale's digits, other numbers as they are", function () {
  /** The fast path and i18next's own t() of a locale, each answer labelled with its path. */
  const bothPaths = (locale: Locale) =>
    [
      ['fast path', translator(locale)],
      ['i18next', i18nextTranslator(locale)],
    ] as const;

  it('the open tasks card says 1,000 in English and 1.000 in German', function () {
    for (const [via, t] of bothPaths('en'))
      expect(t('dashboard:cards.tasksOpen', { count: 1000 }), via).to.equal('1,000 open tasks for you');
    for (const [via, t] of bothPaths('de'))
      expect(t('dashboard:cards.tasksOpen', { count: 1000 }), via).to.equal('1.000 offene Aufgaben für Sie');
  });

  it('a count beside another value, and the plural form still picked by the number', function () {
    for (const [via, t] of bothPaths('en')) {
      expect(t('common:search.results', { count: 12345, query: 'Acme 2026' }), via).to.equal('12,345 results for “Acme 2026”.');
      expect(t('common:wait.minutes', { count: 1000 }), via).to.equal('1,000 minutes');
      expect(t('common:wait.minutes', { count: 1 }), via).to.equal('1 minute');
    }
    for (const [via, t] of bothPaths('de')) {
      expect(t('common:search.results', { count: 12345, query: 'Acme 2026' }), via).to.equal('12.345 Treffer für „Acme 2026“.');
      expect(t('common:wait.minutes', { count: 1000 }), via).to.equal('1.000 Minuten');
    }
  });

  it('a number in another placeholder stays as it is: a page, a year', function () {
    for (const [via, t] of bothPaths('en')) {
      expect(t('admin:activity.noSuchPage', { page: 2026, count: 1000 }), via).to.equal(
        'There is no page 2026: with these filters the log has 1,000 pages.',
      );
      expect(t('pdf:pageOf', { page: 2026, pages: 3000 }), via).to.equal('Page 2026 of 3000');
    }
    for (const [via, t] of bothPaths('de')) {
      expect(t('admin:activity.noSuchPage', { page: 2026, count: 1000 }), via).to.equal(
        'Es gibt keine Seite 2026: Mit diesen Filtern hat das Protokoll 1.000 Seiten.',
      );
    }
  });
});
