// Client-facing text in the languages the portal speaks. One i18next instance for the process,
// loaded synchronously from <folder>/<locale>/<namespace>.json: core's folder (locales/: `common`
// for the layout and errors, validation, staff, emails) at import, and each feature's own folder
// (its manifest's `locales`) when the composition root adds them. One namespace per file, each
// defined once, so features never edit each other's.
// Templates call t() with a 'namespace:key' and values; EJS escapes the result, so i18next must not.
import i18next, { type FormatterModule, type TFunction } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUPPORTED_LOCALES = ['en', 'de', 'fr'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français' };

/** Core's namespaces: locales/<locale>/<namespace>.json. */
export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../locales');

export type Translate = TFunction;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

type Resources = Record<string, Record<string, object>>;

/** The folders the namespaces are read from: core's, then each feature's added since. */
const localeFolders: string[] = [LOCALES_DIR];

/** Every locale's namespaces of these folders; a namespace two folders define throws, naming both. */
export function loadResources(folders: readonly string[] = localeFolders): Resources {
  const resources: Resources = {};
  for (const locale of SUPPORTED_LOCALES) {
    const found: Record<string, object> = {};
    const fileOf = new Map<string, string>();
    for (const folder of folders) {
      for (const name of readdirSync(path.join(folder, locale)).filter((file) => file.endsWith('.json'))) {
        const namespace = name.slice(0, -'.json'.length);
        const file = path.join(folder, locale, name);
        const other = fileOf.get(namespace);
        if (other) throw new Error(`The namespace ${namespace} is defined twice: ${other} and ${file}`);
        fileOf.set(namespace, file);
        found[namespace] = JSON.parse(readFileSync(file, 'utf8'));
      }
    }
    resources[locale] = found;
  }
  return resources;
}

// A count reads in the locale's digits ("1,000 open tasks", "1.000 offene Aufgaben"), as the
// "More than 1,000" texts' limit does, without every caller formatting it. Only `count`: it picks
// the plural form, so it is always a number of things; other placeholders may be years, ids or
// reference numbers, which grouping would garble. Intl formats cost microseconds to build: one per locale.
const countFormats = new Map<Locale, Intl.NumberFormat>();

function countFormatOf(locale: Locale): Intl.NumberFormat {
  let format = countFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    countFormats.set(locale, format);
  }
  return format;
}

const noNamedFormats = () => {
  throw new Error("Named formats are not supported: t()'s fast path would not apply them");
};

/**
 * i18next's formatter. With interpolation.alwaysFormat it is handed every placeholder's value with
 * the placeholder's name (`interpolationkey`) and the language; i18next v26 ignores the
 * interpolation.format option, so a formatter module is where this goes. It replaces i18next's own,
 * whose named formats ({{value, number}}) no text uses and the fast path below would not apply.
 * Without a language (the options of a nested $t(), parsed as JSON) the count stays as it is.
 */
const countFormatter: FormatterModule = {
  type: 'formatter',
  init: () => undefined,
  add: noNamedFormats,
  addCached: noNamedFormats,
  format: (value, format, lng, options) =>
    format === undefined && options?.interpolationkey === 'count' && typeof value === 'number' && isLocale(lng)
      ? countFormatOf(lng).format(value)
      : value,
};

// A language's plural rules may pick a form its files do not write: French picks "many" from a
// million up ("1 000 000 de secondes"), and i18next, finding no key_many, would fall back to the
// English text. The files keep one and other only (the key checks compare them across languages);
// the instance reads any form the rules have and a key lacks as its key_other.
const pluralCategories = (locale: string): string[] => new Intl.PluralRules(locale).resolvedOptions().pluralCategories;

function withPluralForms(locale: string, tree: object): object {
  const categories = pluralCategories(locale);
  const complete = (node: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = value !== null && typeof value === 'object' ? complete(value as Record<string, unknown>) : value;
    }
    for (const [key, value] of Object.entries(node)) {
      if (!key.endsWith('_other') || typeof value !== 'string') continue;
      const base = key.slice(0, -'_other'.length);
      for (const category of categories) if (!(`${base}_${category}` in out)) out[`${base}_${category}`] = value;
    }
    return out;
  };
  return complete(tree as Record<string, unknown>);
}

function forInstance(resources: Resources): Resources {
  return Object.fromEntries(
    Object.entries(resources).map(([locale, namespaces]) => [
      locale,
      Object.fromEntries(Object.entries(namespaces).map(([namespace, tree]) => [namespace, withPluralForms(locale, tree)])),
    ]),
  );
}

const coreResources = loadResources();
const instance = i18next.createInstance();
instance.use(countFormatter);
void instance.init({
  resources: forInstance(coreResources),
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...SUPPORTED_LOCALES],
  ns: Object.keys(coreResources[DEFAULT_LOCALE] ?? {}),
  defaultNS: 'common',
  nsSeparator: ':',
  keySeparator: '.',
  interpolation: { escapeValue: false, alwaysFormat: true },
  returnNull: false,
  initAsync: false,
});

/**
 * Adds the features' folders of namespaces (once each). A namespace already defined, by core or
 * another feature, throws before anything is added: start-up stops rather than one file silently
 * hiding the other.
 */
export function useLocaleFolders(folders: readonly string[]): void {
  const added = folders.map((folder) => path.resolve(folder)).filter((folder) => !localeFolders.includes(folder));
  if (added.length === 0) return;
  const all = loadResources([...localeFolders, ...added]);
  const fresh = loadResources(added);
  localeFolders.push(...added);
  for (const [locale, namespaces] of Object.entries(fresh)) {
    for (const namespace of Object.keys(namespaces))
      instance.addResourceBundle(locale, namespace, withPluralForms(locale, all[locale]![namespace]!));
  }
  // The memoized translators may have remembered a key of these namespaces as missing.
  translators.clear();
}

const translators = new Map<Locale, Translate>();

/** A t() bound to one locale, built once per locale. */
export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    t = memoized(instance.getFixedT(locale), locale);
    translators.set(locale, t);
  }
  return t;
}

/** The i18next t() of one locale, unmemoized: the reference the fast path is tested against. */
export const i18nextTranslator = (locale: Locale): Translate => instance.getFixedT(locale);

// i18next resolves every call from scratch (namespace and key parsing, fallbacks, plural and
// context suffixes, interpolation): measured at a sixth of a page's Node time, for a few hundred
// calls that mostly ask for the same fixed labels. The resources never change after start-up, so a
// key's text is looked up once per locale; a call that only fills {{placeholders}} with strings or
// numbers is interpolated here. Anything else (count, context, defaults, nesting, other options, a
// placeholder left unfilled) goes to i18next unchanged. A `count` is answered here too when the
// key has the plural form the locale's rules pick (key_one, key_other) and no key_zero could apply,
// and reads in the locale's digits as countFormatter gives it.
const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'lng',
  'lngs',
  'ns',
  'ordinal',
  'replace',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'skipInterpolation',
  'keyPrefix',
  'fallbackLng',
]);

/**
 * A key's text split at its placeholders: `parts` alternates text and placeholder names, starting and
 * ending with text ("Due {{date}}" is ['Due ', 'date', '']), so filling it in is a loop of
 * concatenations rather than a regular expression's replace with a function per match.
 */
interface Template {
  text: string;
  placeholders: string[];
  parts: string[];
}

function templateFrom(text: string): Template {
  const parts = text.split(PLACEHOLDER);
  return { text, placeholders: parts.filter((_part, i) => i % 2 === 1), parts };
}

function memoized(slow: Translate, locale: Locale): Translate {
  const viaI18next = slow as unknown as (...args: unknown[]) => unknown;
  const templates = new Map<string, Template>();
  const plurals = new Intl.PluralRules(locale);
  // The plural rules answer in about half a microsecond: the counts a page shows most are kept.
  const smallCounts: Intl.LDMLPluralRule[] = [];
  const pluralOf = (count: number): Intl.LDMLPluralRule => {
    if (!Number.isInteger(count) || count < 0 || count >= 1000) return plurals.select(count);
    let rule = smallCounts[count];
    if (rule === undefined) {
      rule = plurals.select(count);
      smallCounts[count] = rule;
    }
    return rule;
  };
  const countFormat = countFormatOf(locale);
  const exists = new Map<string, boolean>();
  const has = (key: string) => {
    let found = exists.get(key);
    if (found === undefined) {
      found = instance.exists(key, { lng: locale });
      exists.set(key, found);
    }
    return found;
  };
  /** The key i18next would read for this count, when this path can tell; else undefined. */
  const pluralKey = (key: string, count: unknown): string | undefined => {
    if (typeof count !== 'number' || !Number.isFinite(count)) return undefined;
    if (count === 0 && has(`${key}_zero`)) return undefined;
    const plural = `${key}_${pluralOf(count)}`;
    return has(plural) ? plural : undefined;
  };
  const templateOf = (key: string): Template => {
    let template = templates.get(key);
    if (!template) {
      template = templateFrom(String(slow(key, { skipInterpolation: true })));
      templates.set(key, template);
    }
    return template;
  };
  const fast = (key: unknown, options?: unknown, ...rest: unknown[]): unknown => {
    if (typeof key !== 'string' || rest.length > 0) return viaI18next(key, options, ...rest);
    // Without values i18next leaves placeholders as they are: the template's own text.
    if (options === undefined) return templateOf(key).text;
    const values = options as Record<string, string | number>;
    // Plain values read the key's own text; a count with plain values, its plural form's.
    const textKey = isPlainValues(options) ? key : isPlainValues(options, 'count') ? pluralKey(key, values.count) : undefined;
    if (textKey === undefined) return viaI18next(key, options);
    const template = templateOf(textKey);
    const { parts } = template;
    let text = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i]!;
      if (!(name in values)) return viaI18next(key, options);
      const value = values[name];
      text += (name === 'count' && typeof value === 'number' ? formatCount(value) : String(value)) + parts[i + 1]!;
    }
    return text;
  };
  // A count under a thousand reads the same in every language's digits: no grouping to apply.
  const formatCount = (count: number) =>
    Number.isInteger(count) && count >= 0 && count < 1000 ? String(count) : countFormat.format(count);
  return fast as unknown as Translate;
}

/** Options that only carry values for placeholders (strings or numbers), no i18next option but `allowed`. */
function isPlainValues(options: unknown, allowed?: string): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  const values = options as Record<string, unknown>;
  // for…in with Object.hasOwn, not Object.entries: no array of pairs made on every call.
  for (const name in values) {
    if (!Object.hasOwn(values, name)) continue;
    if ((I18NEXT_OPTIONS.has(name) && name !== allowed) || name.startsWith('defaultValue')) return false;
    const value = values[name];
    if (typeof value !== 'string' && typeof value !== 'number') return false;
  }
  return true;
}
