// Turning identifiers into comparable words. Host schemas name things in any language and style
// (llx_socpeople, tblInvoices, crm_rechnung_archiv), so recognition works on lower-case,
// accent-free, singular tokens, with a schema-wide prefix such as 'llx' set aside.
import { leftOutKey, taggedSet, weightOf } from './learned.ts';

export function tokenize(identifier: string): string[] {
  return identifier
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(singular);
}

// English-leaning and deliberately crude: enough to make 'invoices' meet 'invoice' and
// 'companies' meet 'company' without mangling 'status', 'address' or French 'paiements'.
const KEEP_AS_IS = taggedSet(
  [
    'status',
    'address',
    'business',
    'access',
    'process',
    'class',
    'news',
    'series',
    'people',
    'alias',
    'canvas',
    'atlas',
    'bonus',
    'campus',
    'virus',
    'analysis',
    'axis',
    'basis',
    'thesis',
    'ms',
    'ids',
  ],
  // An abbreviation, not a plural: debtor_trans, trans_no (FrontAccounting, d608e798).
  { frontaccounting: ['trans'] },
);
function singular(word: string): string {
  if (word.length < 4 || KEEP_AS_IS.has(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses') || word.endsWith('uses') || word.endsWith('xes') || word.endsWith('ches') || word.endsWith('shes')) {
    return word.slice(0, -2);
  }
  if (word.endsWith('ss') || word.endsWith('us') || word.endsWith('is')) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/**
 * A short first token shared by a large part of the schema (llx_, wp_, crm_, tbl_) says nothing
 * about what a table holds; it is set aside before matching names.
 */
export function detectTablePrefix(tableNames: string[], reservedWords: ReadonlySet<string>): string | null {
  if (tableNames.length < 3) return null;
  const counts = new Map<string, number>();
  for (const name of tableNames) {
    const tokens = tokenize(name);
    const first = tokens[0];
    if (!first || tokens.length < 2) continue;
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  let best: { token: string; count: number } | null = null;
  for (const [token, count] of [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (token.length > 4 || reservedWords.has(token)) continue;
    if (!best || count > best.count) best = { token, count };
  }
  if (best && best.count >= 3 && best.count >= tableNames.length * 0.4) return best.token;
  return detectGluedPrefix(tableNames, reservedWords);
}

/**
 * A prefix glued to the first word (tblclients, tblinvoices): the longest run of two to four
 * letters that most table names start with and that begins no vocabulary word (so a schema full of
 * invoice_* tables does not lose its 'inv').
 */
function detectGluedPrefix(tableNames: string[], reservedWords: ReadonlySet<string>): string | null {
  const lower = tableNames.map((n) => n.toLowerCase());
  for (const length of [4, 3, 2]) {
    const counts = new Map<string, number>();
    for (const name of lower) {
      if (name.length < length + 3 || !/^[a-z]+$/.test(name.slice(0, length + 1))) continue;
      const head = name.slice(0, length);
      counts.set(head, (counts.get(head) ?? 0) + 1);
    }
    const [head, count] = [...counts.entries()].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0] ?? ['', 0];
    if (count < 3 || count < lower.length * 0.6) continue;
    if ([...reservedWords].some((w) => w.startsWith(head))) continue;
    return head;
  }
  return null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The tokens of a table name without the schema-wide prefix. */
export function coreTokens(tableName: string, prefix: string | null): string[] {
  const tokens = tokenize(tableName);
  if (prefix && tokens[0] === prefix && tokens.length > 1) return tokens.slice(1);
  const first = tokens[0] ?? '';
  if (prefix && first.startsWith(prefix) && first.length > prefix.length + 2)
    return [singular(first.slice(prefix.length)), ...tokens.slice(1)];
  return tokens;
}

export interface WordMatch {
  /** The vocabulary word that matched. */
  word: string;
  weight: number;
  /** The token of the identifier it matched in. */
  token: string;
  /** Position of that token in the identifier. */
  position: number;
  /** 'exact', or 'compound' when the word is glued to another (facturedet, kundenrechnung). */
  kind: 'exact' | 'compound';
  /** What the word was glued to in a compound ('det' in facturedet), else ''. */
  rest: string;
}

// Every table is matched against every concept's vocabulary, often more than once: remember the
// answers per vocabulary (the same token lists recur across concepts and passes).
const matchCache = new WeakMap<ReadonlyMap<string, number>, Map<string, WordMatch | null>>();

/** The strongest vocabulary word found in the tokens; compounds count for less than exact words. */
export function bestWordMatch(tokens: string[], vocabulary: ReadonlyMap<string, number>): WordMatch | null {
  let cache = matchCache.get(vocabulary);
  if (!cache) {
    cache = new Map();
    matchCache.set(vocabulary, cache);
  }
  const cacheKey = `${leftOutKey()}\u0001${tokens.join('\u0000')}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const found = findBestWord(tokens, vocabulary);
  if (cache.size < 50_000) cache.set(cacheKey, found);
  return found;
}

function findBestWord(tokens: string[], vocabulary: ReadonlyMap<string, number>): WordMatch | null {
  let best: WordMatch | null = null;
  let bestValue = 0;
  tokens.forEach((token, position) => {
    const exact = weightOf(vocabulary, token);
    if (exact !== undefined && exact > bestValue) {
      best = { word: token, weight: exact, token, position, kind: 'exact', rest: '' };
      bestValue = exact;
    }
    for (const [word, weight] of vocabulary) {
      if (word.length < 4 || token === word || token.length < word.length + 2) continue;
      if (weightOf(vocabulary, word) === undefined) continue;
      let rest: string | null = null;
      let factor = COMPOUND_FACTOR;
      if (token.startsWith(word)) rest = token.slice(word.length);
      else if (token.endsWith(word)) rest = token.slice(0, token.length - word.length);
      else if (word.length >= 6 && token.includes(word)) {
        // Glued between two words (invoicepaymentrecords): weaker than at either end.
        const at = token.indexOf(word);
        rest = token.slice(0, at) + token.slice(at + word.length);
        factor = COMPOUND_FACTOR * 0.9;
      }
      if (rest === null) continue;
      const value = weight * factor;
      if (value > bestValue) {
        best = { word, weight: value, token, position, kind: 'compound', rest: singular(rest) };
        bestValue = value;
      }
    }
  });
  return best;
}

const COMPOUND_FACTOR = 0.8;
