// Client-facing text in the languages the portal speaks. One i18next instance for the process,
// loaded synchronously at start-up from locales/<locale>/<namespace>.json: one namespace per
// feature (its own file, so features never edit each other's), `common` for the layout and errors.
// Templates call t() with a 'namespace:key' and values; EJS escapes the result, so i18next must not.
import i18next, { type TFunction } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUPPORTED_LOCALES = ['en', 'de'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales');

export type Translate = TFunction;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

type Resources = Record<string, Record<string, object>>;

/** Every locale's namespaces, as files on disk: locales/<locale>/<namespace>.json. */
export function loadResources(dir = LOCALES_DIR): Resources {
  const resources: Resources = {};
  for (const locale of SUPPORTED_LOCALES) {
    resources[locale] = {};
    for (const file of readdirSync(path.join(dir, locale)).filter((name) => name.endsWith('.json'))) {
      resources[locale]![file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(path.join(dir, locale, file), 'utf8'));
    }
  }
  return resources;
}

const resources = loadResources();
const instance = i18next.createInstance();
void instance.init({
  resources,
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...SUPPORTED_LOCALES],
  ns: Object.keys(resources[DEFAULT_LOCALE] ?? {}),
  defaultNS: 'common',
  nsSeparator: ':',
  keySeparator: '.',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

const translators = new Map<Locale, Translate>();

/** A t() bound to one locale, built once per locale. */
export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    t = instance.getFixedT(locale);
    translators.set(locale, t);
  }
  return t;
}
