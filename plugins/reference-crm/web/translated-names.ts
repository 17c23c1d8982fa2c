// The names staff give a record in the portal's other languages (German, French), beside its own
// name in the agency's: the client reads the one in their language, the own name where none is
// written. One pair of optional inputs per language (`nameDe`, `nameFr`), kept as {"de": …}.
import { hasInvisibleFormatting } from '../../../src/index.ts';
import { optionalText } from './forms.ts';

export const OTHER_LANGUAGES = [
  { code: 'de', suffix: 'De', label: 'German' },
  { code: 'fr', suffix: 'Fr', label: 'French' },
] as const;

/** An optional translation of `label`, refused with invisible formatting as the own name is. */
function translation(label: string, max: number) {
  return optionalText(label, max).refine((value) => value === null || !hasInvisibleFormatting(value), {
    error: `${label} cannot hold invisible characters such as direction marks or zero-width spaces.`,
  });
}

/** The schema's fields for one text kept per language: `${field}De`, `${field}Fr`. */
export function translationFields(field: string, label: string, max: number) {
  return Object.fromEntries(
    OTHER_LANGUAGES.map((language) => [`${field}${language.suffix}`, translation(`${label} in ${language.label}`, max)]),
  ) as Record<`${string}${'De' | 'Fr'}`, ReturnType<typeof translation>>;
}

/** {"de": …, "fr": …} from the parsed form, languages left empty left out. */
export function translationsOf(field: string, data: Record<string, unknown>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const language of OTHER_LANGUAGES) {
    const value = data[`${field}${language.suffix}`];
    if (typeof value === 'string' && value !== '') names[language.code] = value;
  }
  return names;
}

/** The form's values of a stored translation: `${field}De` and so on. */
export function translationValues(field: string, names: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(OTHER_LANGUAGES.map((language) => [`${field}${language.suffix}`, names?.[language.code] ?? '']));
}
