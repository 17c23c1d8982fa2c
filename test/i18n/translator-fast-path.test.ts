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
        // Every count the plural rules tell apart, on every key (plural or not), alone and with a value.
        for (const count of [0, 1, 2, 5, 21, 1.5, -1]) {
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
