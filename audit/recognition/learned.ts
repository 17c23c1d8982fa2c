// Where a rule, a weight or a word of the vocabulary was learned. Rules written while looking at one
// schema learn that schema: measured on it, they flatter the audit. Each entry added while looking
// at a real CRM's schema is tagged with it, so the audit can be scored on that schema with what it
// learned there switched off (`npm run audit:score`, leave one out): a filter, not a copy of the code.

/** The real schemas rules were learned on (../shared/crm-schemas/ and test/fixtures/real-schemas/). */
export type LearnedFrom = 'alga-psa' | 'dolibarr' | 'tryton' | 'espocrm' | 'invoiceninja' | 'frontaccounting';

let leftOut: ReadonlySet<LearnedFrom> = new Set();

/** Switch off everything learned from these schemas (none: the audit as it runs for a user). */
export function leaveOut(schemas: readonly LearnedFrom[]): void {
  leftOut = new Set(schemas);
}

/** Whether what was learned from this schema is switched off. */
function isLeftOut(from: LearnedFrom | undefined): boolean {
  return from !== undefined && leftOut.has(from);
}

/** A key that changes whenever what is switched off does (for caches of name matches). */
export function leftOutKey(): string {
  return [...leftOut].sort().join(',');
}

const wordTags = new WeakMap<ReadonlyMap<string, number>, Map<string, LearnedFrom>>();

/** Vocabulary words, some learned from one schema's names; a left-out schema's words are not read. */
export function taggedWords(
  entries: Record<string, number>,
  learned: Partial<Record<LearnedFrom, Record<string, number>>> = {},
): ReadonlyMap<string, number> {
  const map = new Map(Object.entries(entries));
  const tags = new Map<string, LearnedFrom>();
  for (const [from, words] of Object.entries(learned) as Array<[LearnedFrom, Record<string, number>]>) {
    for (const [word, weight] of Object.entries(words)) {
      map.set(word, weight);
      tags.set(word, from);
    }
  }
  wordTags.set(map, tags);
  return map;
}

/** Tag words already in a vocabulary as learned from one schema (a CRM's own abbreviations). */
export function tagLearned(vocabulary: ReadonlyMap<string, number>, from: LearnedFrom, words: readonly string[]): void {
  const tags = wordTags.get(vocabulary) ?? new Map<string, LearnedFrom>();
  for (const word of words) {
    if (!vocabulary.has(word)) throw new Error(`tagLearned: "${word}" is not in the vocabulary`);
    tags.set(word, from);
  }
  wordTags.set(vocabulary, tags);
}

/** The schema a vocabulary word was learned from, if it was tagged. */
function learnedFromOf(vocabulary: ReadonlyMap<string, number>, word: string): LearnedFrom | undefined {
  return wordTags.get(vocabulary)?.get(word);
}

/** The weight of a word, or undefined when it is unknown or learned from a left-out schema. */
export function weightOf(vocabulary: ReadonlyMap<string, number>, word: string): number | undefined {
  if (isLeftOut(learnedFromOf(vocabulary, word))) return undefined;
  return vocabulary.get(word);
}

/** A rule learned from one schema: it answers nothing while that schema is left out. */
export function learnedRule<A extends unknown[], R>(from: LearnedFrom, rule: (...args: A) => R | null): (...args: A) => R | null {
  return (...args: A) => (leftOut.has(from) ? null : rule(...args));
}
