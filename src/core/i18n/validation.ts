// Validation messages in the client's language. The schemas keep their English messages (the admin
// side and the logs read those); locales/en/validation.json holds the ones clients see, so an
// English message is looked up there by its text and shown in the reader's language instead. Zod's
// own messages (a field without a message of ours) come from zod's error map for that locale.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LOCALES_DIR, type Locale, type Translate } from './translations.ts';

const englishMessages = JSON.parse(readFileSync(path.join(LOCALES_DIR, 'en', 'validation.json'), 'utf8')) as Record<string, string>;
const KEY_OF_MESSAGE = new Map(Object.entries(englishMessages).map(([key, message]) => [message, key]));

// The error page's messages that are not the feature's own words: the generic ones of the error
// handler and the guards, found by their English text like the validation messages.
const englishCommon = JSON.parse(readFileSync(path.join(LOCALES_DIR, 'en', 'common.json'), 'utf8')) as {
  errors: { messages: Record<string, string> };
};
const KEY_OF_ERROR = new Map(Object.entries(englishCommon.errors.messages).map(([key, message]) => [message, key]));

/** An error page's message in the reader's language, when it is one the portal knows. */
export function translateErrorMessage(message: string, t: Translate): string {
  const key = KEY_OF_ERROR.get(message);
  return key ? t(`common:errors.messages.${key}`) : translateMessage(message, t);
}

// One for each language but English: a language added to the portal without one does not compile.
const ZOD_ERROR_MAPS: Record<Exclude<Locale, 'en'>, z.core.$ZodErrorMap> = {
  de: z.locales.de().localeError,
  fr: z.locales.fr().localeError,
};

/** zod's error map for a locale; none for English, zod's own language. */
export function zodErrorMap(locale: Locale): z.core.$ZodErrorMap | undefined {
  return locale === 'en' ? undefined : ZOD_ERROR_MAPS[locale];
}

/** A schema's message that is itself a key of ours ('namespace:some.key'), not English text. */
const TRANSLATION_KEY = /^[a-z][\w-]*:[\w-]+(\.[\w-]+)*$/;

export function translateMessage(message: string, t: Translate): string {
  const key = KEY_OF_MESSAGE.get(message);
  if (key) return t(`validation:${key}`);
  // A key with no text would show as itself: only a key the locale files hold is looked up.
  if (TRANSLATION_KEY.test(message)) {
    const text = t(message);
    if (text !== message) return text;
  }
  return message;
}

/** A form's messages, field by field (web/validate.ts's FieldErrors), each in the reader's language. */
export function translateFieldErrors(errors: Record<string, string>, t: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, translateMessage(message, t)]));
}
