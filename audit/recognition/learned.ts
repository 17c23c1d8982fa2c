// Where a rule, a weight or a word of the vocabulary was learned. Rules written while looking at one
// schema learn that schema: measured on it, they flatter the audit. Each entry added while looking
// at a real CRM's schema is tagged with it, so the audit can be scored on that schema with what it
// learned there switched off (`npm run audit:score`, leave one out): a filter, not a copy of the code.

/** The real schemas rules were learned on (../shared/crm-schemas/ and test/fixtures/real-schemas/). */
export type LearnedFrom = 'alga-psa' | 'dolibarr' | 'tryton' | 'espocrm' | 'invoiceninja' | 'frontaccounting';

/** One schema, or every schema a rule was written while reading (a commit that read two at once). */
type Learned = LearnedFrom | readonly LearnedFrom[];

const schemasOf = (from: Learned): readonly LearnedFrom[] => (typeof from === 'string' ? [from] : from);

let leftOut: ReadonlySet<LearnedFrom> = new Set();

/** Switch off everything learned from these schemas (none: the audit as it runs for a user). */
export function leaveOut(schemas: readonly LearnedFrom[]): void {
  leftOut = new Set(schemas);
}

/** Whether what was learned from this schema (or any of these) is switched off. */
function isLeftOut(from: Learned | undefined): boolean {
  return from !== undefined && schemasOf(from).some((s) => leftOut.has(s));
}

/** Whether a rule learned on these schemas applies: false while any of them is left out. */
export function learnedApplies(from: Learned): boolean {
  return !isLeftOut(from);
}

/** A key that changes whenever what is switched off does (for caches of name matches). */
export function leftOutKey(): string {
  return [...leftOut].sort().join(',');
}

const wordTags = new WeakMap<ReadonlyMap<string, number>, Map<string, Learned>>();
/** Weights changed while reading one schema, with the weight the word had before. */
const reweighted = new WeakMap<ReadonlyMap<string, number>, Map<string, { from: Learned; before: number }>>();

/** Vocabulary words, some learned from one schema's names; a left-out schema's words are not read. */
export function taggedWords(
  entries: Record<string, number>,
  learned: Partial<Record<LearnedFrom, Record<string, number>>> = {},
): ReadonlyMap<string, number> {
  const map = new Map(Object.entries(entries));
  const tags = new Map<string, Learned>();
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
export function tagLearned(vocabulary: ReadonlyMap<string, number>, from: Learned, words: readonly string[]): void {
  const tags = wordTags.get(vocabulary) ?? new Map<string, Learned>();
  for (const word of words) {
    if (!vocabulary.has(word)) throw new Error(`tagLearned: "${word}" is not in the vocabulary`);
    tags.set(word, from);
  }
  wordTags.set(vocabulary, tags);
}

/**
 * Tag weights changed while reading one schema (ticket weighing less than task for tasks): with that
 * schema left out, each word weighs what it did before.
 */
export function tagReweighted(vocabulary: ReadonlyMap<string, number>, from: Learned, before: Record<string, number>): void {
  const changes = reweighted.get(vocabulary) ?? new Map<string, { from: Learned; before: number }>();
  for (const [word, weight] of Object.entries(before)) {
    if (!vocabulary.has(word)) throw new Error(`tagReweighted: "${word}" is not in the vocabulary`);
    changes.set(word, { from, before: weight });
  }
  reweighted.set(vocabulary, changes);
}

/** The schema a vocabulary word was learned from, if it was tagged. */
function learnedFromOf(vocabulary: ReadonlyMap<string, number>, word: string): Learned | undefined {
  return wordTags.get(vocabulary)?.get(word);
}

/** The weight of a word, or undefined when it is unknown or learned from a left-out schema. */
export function weightOf(vocabulary: ReadonlyMap<string, number>, word: string): number | undefined {
  if (isLeftOut(learnedFromOf(vocabulary, word))) return undefined;
  const change = reweighted.get(vocabulary)?.get(word);
  if (change && isLeftOut(change.from)) return change.before;
  return vocabulary.get(word);
}

/** A rule learned from one schema (or several): it answers nothing while any of them is left out. */
export function learnedRule<A extends unknown[], R>(from: Learned, rule: (...args: A) => R | null): (...args: A) => R | null {
  return (...args: A) => (isLeftOut(from) ? null : rule(...args));
}

/**
 * A set of words, some learned from one schema (a CRM's abbreviation kept as is, a modifier word
 * seen on its tables): while that schema is left out, `has` does not find them.
 */
export function taggedSet(words: readonly string[], learned: Partial<Record<LearnedFrom, readonly string[]>> = {}): ReadonlySet<string> {
  const tags = new Map<string, LearnedFrom>();
  for (const [from, list] of Object.entries(learned) as Array<[LearnedFrom, readonly string[]]>)
    for (const word of list) tags.set(word, from);
  return new LearnedWords([...words, ...tags.keys()], tags);
}

class LearnedWords extends Set<string> {
  readonly #tags: ReadonlyMap<string, LearnedFrom>;

  constructor(words: readonly string[], tags: ReadonlyMap<string, LearnedFrom>) {
    super(words);
    this.#tags = tags;
  }

  override has(word: string): boolean {
    return super.has(word) && !isLeftOut(this.#tags.get(word));
  }
}
