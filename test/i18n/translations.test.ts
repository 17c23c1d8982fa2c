// Every language is complete: every key in English exists in each other language and the reverse, every t('ns:key')
// literal in the views and the code exists in English (and, asked for without values, has no
// {{placeholder}} left to show), each text names the same placeholders in every language, plural
// forms come in pairs, and the helpers that pick the language and time zone follow the client, the workspace, then the browser.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  i18nextTranslator,
  LOCALE_NAMES,
  LOCALES_DIR,
  loadResources,
  SUPPORTED_LOCALES,
  translator,
} from '../../src/core/i18n/translations.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';
import express from 'express';
import request from 'supertest';
import { browserLocale, chooseLocale, chooseTimeZone } from '../../src/core/i18n/negotiate.ts';
import { localeOfTag } from '../../src/core/i18n/request-i18n.ts';
import { zodErrorMap } from '../../src/core/i18n/validation.ts';
import { z } from 'zod';
import { formattersFor } from '../../src/core/i18n/formatters.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function flatten(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, inner]) =>
    inner !== null && typeof inner === 'object' ? flatten(inner as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** Core's folder of namespaces and every feature's, as the manifests declare them. */
const FOLDERS = [LOCALES_DIR, ...FEATURE_MANIFESTS.flatMap((feature) => (feature.locales ? [feature.locales] : []))];

function keysOf(locale: string): Set<string> {
  const resources = loadResources(FOLDERS)[locale] ?? {};
  return new Set(Object.entries(resources).flatMap(([ns, tree]) => flatten(tree).map((key) => `${ns}:${key}`)));
}

function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, extensions);
    return extensions.some((ext) => name.endsWith(ext)) ? [full] : [];
  });
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
/** The names of a text's i18next placeholders, as t() fills them: {{name}}. */
const placeholdersIn = (text: string): string[] => [...text.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((match) => match[1]!);

describe('translations', function () {
  const en = keysOf('en');

  it('speaks English, German and French, each named in its own language', function () {
    expect([...SUPPORTED_LOCALES]).to.deep.equal(['en', 'de', 'fr']);
    expect(LOCALE_NAMES).to.deep.equal({ en: 'English', de: 'Deutsch', fr: 'Français' });
  });

  it('names each built-in role alike on the staff pages and the client’s Team page, in each language', function () {
    const resources = loadResources(FOLDERS);
    for (const locale of SUPPORTED_LOCALES) {
      const staffRoles = (resources[locale]!.staff as { roles: { builtIn: Record<string, { label: string }> } }).roles.builtIn;
      const teamRoles = (resources[locale]!.team as { roles: Record<string, string> }).roles;
      // French sets a space before the colon ("Facturation : factures…").
      for (const [key, { label }] of Object.entries(staffRoles))
        expect(teamRoles[key], `${locale} ${key}`).to.match(new RegExp(`^${label}\\s?: `));
    }
  });

  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
    it(`has every English key in ${locale}, and nothing English lacks`, function () {
      const other = keysOf(locale);
      expect(
        [...en].filter((key) => !other.has(key)),
        `missing in ${locale}`,
      ).to.deep.equal([]);
      expect(
        [...other].filter((key) => !en.has(key)),
        `only in ${locale}`,
      ).to.deep.equal([]);
    });
  }

  it('has an English key for every literal t() call in the views and the code', function () {
    const files = [...filesUnder(path.join(ROOT, 'views'), ['.ejs']), ...filesUnder(path.join(ROOT, 'src'), ['.ts', '.ejs'])];
    expect(files.filter((file) => file.includes('/src/features/') && file.endsWith('.ejs')).length).to.be.greaterThan(50);
    const used = new Set<string>();
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-z][\w-]*:[\w.-]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).to.be.greaterThan(10);
    const base = new Set([...en].map((key) => key.replace(PLURAL_SUFFIX, '')));
    expect([...used].filter((key) => !en.has(key) && !base.has(key)).sort()).to.deep.equal([]);
  });

  it("has each sentence an error page or a staff form shows in the language files, so it reads in the reader's language", function () {
    // The handlers and schemas keep their English (the logs read it); the error pages and the staff
    // forms look a message up by its text in validation, common's errors.messages and staff's
    // errors.messages (src/core/i18n/validation.ts, src/core/staff/admin-page.ts). A sentence in
    // none of them showed in English on a German page.
    const english = loadResources(FOLDERS).en!;
    const textsOf = (tree: object): string[] =>
      Object.values(tree).flatMap((inner) => (inner !== null && typeof inner === 'object' ? textsOf(inner as object) : [String(inner)]));
    const known = new Set([
      ...textsOf(english.validation!),
      ...textsOf((english.common as { errors: object }).errors),
      ...textsOf((english.staff as { errors: { messages: object } }).errors.messages),
    ]);
    const files = filesUnder(path.join(ROOT, 'src'), ['.ts']).filter((file) => !file.includes('/test/') && !file.endsWith('.test.ts'));
    const sources = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
    const constantsIn = (source: string) =>
      new Map([...source.matchAll(/const ([A-Z][A-Z0-9_]*) =\s*'([^']+)'/g)].map((m) => [m[1]!, m[2]!]));
    const everywhere = new Map([...sources.values()].flatMap((source) => [...constantsIn(source)]));
    // A sentence for a person: a capital first and a stop last (developers' messages start lower case).
    const SENTENCE = /^[A-Z].*[.!?]$/;
    const shown: Array<{ file: string; text: string }> = [];
    for (const [file, source] of sources) {
      const constants = constantsIn(source);
      for (const m of source.matchAll(/(?:new HttpError\(\d+,|message:)\s*(?:'([^']+)'|([A-Z][A-Z0-9_]*)\b)/g)) {
        const text = m[1] ?? constants.get(m[2]!) ?? everywhere.get(m[2]!);
        if (text && SENTENCE.test(text)) shown.push({ file: path.relative(ROOT, file), text });
      }
    }
    expect(shown.length).to.be.greaterThan(25);
    expect(shown.filter(({ text }) => !known.has(text))).to.deep.equal([]);
  });

  it("reads core's namespaces and every feature's, each from its own folder, and each translation file", function () {
    const files = FOLDERS.flatMap((folder) => filesUnder(path.join(folder, 'en'), ['.json']));
    const namespaces = Object.keys(loadResources(FOLDERS).en!);
    expect(namespaces).to.include.members(['common', 'validation', 'offers', 'decisions', 'twoFactor', 'team']);
    expect(namespaces).to.have.length(files.length);
    // Every namespace the portal translates with is one of those: nothing is left outside a declared folder.
    const everywhere = [...filesUnder(path.join(ROOT, 'locales'), ['.json']), ...filesUnder(path.join(ROOT, 'src'), ['.json'])].filter(
      (file) => file.includes('/locales/'),
    );
    expect(everywhere.length).to.equal(files.length * SUPPORTED_LOCALES.length);
    expect(everywhere.filter((file) => !FOLDERS.some((folder) => file.startsWith(`${folder}/`)))).to.deep.equal([]);
    expect(translator('de')('offers:proposals.title')).to.equal('Angebote');
  });

  it('refuses a namespace two folders define, naming both files', function () {
    const twin = mkdtempSync(path.join(tmpdir(), 'portal-locales-'));
    try {
      for (const locale of SUPPORTED_LOCALES) {
        mkdirSync(path.join(twin, locale));
        writeFileSync(path.join(twin, locale, 'offers.json'), '{}');
      }
      expect(() => loadResources([...FOLDERS, twin])).to.throw(
        /The namespace offers is defined twice: .*offers\.json and .*portal-locales-/,
      );
    } finally {
      rmSync(twin, { recursive: true });
    }
  });

  it('names the same {{placeholders}} in every language, so no language is left showing braces', function () {
    const resources = loadResources(FOLDERS);
    const placeholdersOf = (locale: string): Map<string, string> => {
      const found = new Map<string, string>();
      const walk = (tree: object, prefix: string) => {
        for (const [key, inner] of Object.entries(tree)) {
          if (inner !== null && typeof inner === 'object') walk(inner as object, `${prefix}${key}.`);
          else found.set(`${prefix}${key}`, [...new Set(placeholdersIn(String(inner)))].sort().join(' '));
        }
      };
      for (const [ns, tree] of Object.entries(resources[locale] ?? {})) walk(tree, `${ns}:`);
      return found;
    };
    const english = placeholdersOf('en');
    for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
      const differing = [...placeholdersOf(locale)].filter(([key, names]) => english.has(key) && english.get(key) !== names);
      expect(differing, locale).to.deep.equal([]);
    }
  });

  it('has no {{placeholder}} in a text a literal t() call asks for without values', function () {
    // A call that closes right after its key fills nothing: its text would show "{{mb}}" as it is.
    const files = [...filesUnder(path.join(ROOT, 'views'), ['.ejs']), ...filesUnder(path.join(ROOT, 'src'), ['.ts', '.ejs'])];
    const english = loadResources(FOLDERS).en!;
    const textOf = (key: string): string => {
      const [ns, dotted] = key.split(':') as [string, string];
      let node: unknown = english[ns];
      for (const part of dotted.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
      return typeof node === 'string' ? node : '';
    };
    const bare = new Set<string>();
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-z][\w-]*:[\w.-]+)'\s*\)/g)) bare.add(match[1]!);
    }
    expect(bare.size).to.be.greaterThan(10);
    expect([...bare].filter((key) => placeholdersIn(textOf(key)).length > 0).sort()).to.deep.equal([]);
  });

  it('keeps plural forms in pairs (one and other) in every language', function () {
    for (const locale of SUPPORTED_LOCALES) {
      const keys = keysOf(locale);
      for (const key of keys) {
        if (key.endsWith('_one')) expect(keys.has(key.replace(/_one$/, '_other')), `${locale} ${key}`).to.equal(true);
        if (key.endsWith('_other')) expect(keys.has(key.replace(/_other$/, '_one')), `${locale} ${key}`).to.equal(true);
      }
    }
  });

  it('translates with plurals and values in every language', function () {
    expect(translator('en')('dashboard:cards.invoicesUnpaid', { count: 1 })).to.equal('1 invoice to pay');
    expect(translator('en')('dashboard:cards.invoicesUnpaid', { count: 3 })).to.equal('3 invoices to pay');
    expect(translator('de')('dashboard:cards.invoicesUnpaid', { count: 3 })).to.equal('3 Rechnungen zu bezahlen');
    expect(translator('de')('common:signedInAs', { name: '<b>' })).to.equal('Angemeldet als <b>');
    expect(translator('fr')('dashboard:cards.invoicesUnpaid', { count: 3 })).to.equal('3 factures à payer');
    expect(translator('fr')('common:signedInAs', { name: '<b>' })).to.equal('Connecté en tant que <b>');
  });

  it('reads French plurals by French rules: the singular for 0 and 1, the plural from a million up too', function () {
    // French picks "one" for 0 and 1 and "many" from a million; the files write one and other only,
    // and "many" must not fall back to the English text.
    for (const t of [translator('fr'), i18nextTranslator('fr')]) {
      expect(t('common:wait.seconds', { count: 0 })).to.equal('0 seconde');
      expect(t('common:wait.seconds', { count: 1 })).to.equal('1 seconde');
      expect(t('common:wait.seconds', { count: 2 })).to.equal('2 secondes');
      expect(t('common:wait.seconds', { count: 1_000_000 })).to.equal('1\u202f000\u202f000 secondes');
      expect(t('dashboard:cards.invoicesUnpaid', { count: 2_000_000 })).to.equal('2\u202f000\u202f000 factures à payer');
    }
  });

  it("picks the client's language, then the workspace's, then the browser's", async function () {
    const app = express().get('/', (req, res) => {
      res.json(browserLocale(req));
    });
    const browser = async (header?: string) => {
      const call = request(app).get('/');
      return (header === undefined ? await call : await call.set('Accept-Language', header)).body as unknown;
    };
    expect(await browser('fr-CH, de;q=0.9, en;q=0.8')).to.equal('fr');
    expect(await browser('it-CH, de;q=0.9, en;q=0.8')).to.equal('de');
    expect(await browser('en;q=0.1, de;q=0.5')).to.equal('de');
    expect(await browser('de-AT')).to.equal('de');
    expect(await browser('fr-BE')).to.equal('fr');
    expect(await browser('es, fr;q=0.4, de;q=0.3')).to.equal('fr');
    expect(await browser('de;q=0, en;q=0.1')).to.equal('en');
    expect(await browser('es, it')).to.equal(null);
    expect(await browser()).to.equal(null);
    expect(chooseLocale({ client: 'de', workspace: 'en', browser: 'en' })).to.equal('de');
    expect(chooseLocale({ client: null, workspace: 'de', browser: 'en' })).to.equal('de');
    expect(chooseLocale({ client: 'xx', workspace: null, browser: 'de' })).to.equal('de');
    expect(chooseLocale({ client: 'fr', workspace: 'de', browser: 'en' })).to.equal('fr');
    // A host's tag (Dolibarr's fr_FR, Alga PSA's fr) reads as the portal's language.
    expect(['fr_FR', 'fr-CA', 'FR', 'de_DE', 'en_GB', 'es_ES', '', null].map(localeOfTag)).to.deep.equal([
      'fr',
      'fr',
      'fr',
      'de',
      'en',
      null,
      null,
      null,
    ]);
    expect(chooseLocale({})).to.equal('en');
  });

  it("gives zod's own messages (a field with no message of ours) in the reader's language", function () {
    const message = (locale: 'en' | 'de' | 'fr') => {
      const map = zodErrorMap(locale);
      const result = map ? z.number().safeParse('x', { error: map }) : z.number().safeParse('x');
      return result.error?.issues[0]?.message;
    };
    expect(message('en')).to.match(/^Invalid input: expected number/);
    expect(message('de')).to.match(/^Ungültige Eingabe/);
    expect(message('fr')).to.match(/^Entrée invalide/);
  });

  it("picks the client's time zone, then the browser's, then the workspace's, ignoring unknown zones", function () {
    expect(chooseTimeZone({ client: 'Asia/Tokyo', browser: 'Europe/Berlin', workspace: 'America/New_York' })).to.equal('Asia/Tokyo');
    expect(chooseTimeZone({ client: null, browser: 'Europe/Berlin', workspace: 'America/New_York' })).to.equal('Europe/Berlin');
    expect(chooseTimeZone({ browser: 'Not/AZone', workspace: 'America/New_York' })).to.equal('America/New_York');
    expect(chooseTimeZone({ browser: '"><script>' })).to.equal('UTC');
  });

  it('formats money, calendar days and instants in the locale and time zone', function () {
    const de = formattersFor('de', 'Europe/Berlin');
    expect(de.money(123456, 'EUR')).to.equal('1.234,56\u00a0€');
    expect(formattersFor('en', 'UTC').money(123456, 'USD')).to.equal('$1,234.56');
    expect(formattersFor('fr', 'Europe/Paris').money(123456, 'EUR')).to.equal('1\u202f234,56\u00a0€');
    expect(formattersFor('fr', 'UTC').day('2026-03-01')).to.equal('1 mars 2026');
    // A due date is the same day wherever the reader is; an instant moves with the time zone.
    expect(formattersFor('en', 'Pacific/Honolulu').day('2026-03-01')).to.equal('Mar 1, 2026');
    const instant = new Date('2026-03-01T07:30:00Z');
    expect(formattersFor('en', 'Europe/Berlin').hourOf(instant)).to.equal(8);
    expect(formattersFor('en', 'America/Los_Angeles').hourOf(instant)).to.equal(23);
    expect(formattersFor('en', 'America/Los_Angeles').isoDay(instant)).to.equal('2026-02-28');
    expect(formattersFor('en', 'UTC')).to.equal(formattersFor('en', 'UTC'));
  });

  it('answers a value formatted before as it did, and keeps apart what only looks alike', function () {
    const en = formattersFor('en', 'America/New_York');
    const evening = new Date('2026-03-01T23:30:00Z');
    for (let round = 0; round < 2; round++) {
      expect(en.money(123456, 'USD')).to.equal('$1,234.56');
      expect(en.money(123456, 'EUR')).to.equal('€1,234.56');
      expect(en.day('2026-03-01')).to.equal('Mar 1, 2026');
      // A calendar date given as an instant is that instant's UTC day; the reader's zone moves the instant only.
      expect(en.day(evening)).to.equal('Mar 1, 2026');
      expect(en.dateTime(evening)).to.equal('Mar 1, 2026, 6:30 PM');
      expect(en.dateTime(evening.toISOString())).to.equal('Mar 1, 2026, 6:30 PM');
      expect(en.dateTime(new Date(evening.getTime() + 60_000))).to.equal('Mar 1, 2026, 6:31 PM');
    }
    // Past the answers it keeps, it starts over and still answers right.
    for (let cents = 0; cents < 1_200; cents++) expect(en.money(cents * 100, 'USD')).to.equal(`$${cents.toLocaleString('en')}.00`);
  });
});
