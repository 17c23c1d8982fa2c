// Reading a binding file: YAML (or JSON, which is YAML) into the checked format, every mistake
// said with its line and what is expected there, all of them at once, so one run of `check` lists
// what to fix.
import { readFileSync } from 'node:fs';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { type BindingFile, bindingFileSchema } from './format.ts';

/** How a binding file drafted by the audit marks what a person must answer. */
const QUESTION_MARK = 'QUESTION:';

/** A binding file that cannot be used: each problem with its line. */
export class BindingFileError extends Error {
  override name = 'BindingFileError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`}`);
  }
}

/** The node at a path of the document, or the deepest one that exists on the way. */
function nodeAt(root: Node | null, path: ReadonlyArray<PropertyKey>): Node | null {
  let node: Node | null = root;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) return node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) return node;
      node = item;
    } else return node;
  }
  return node;
}

/** The value at a path of the parsed file, or undefined. */
function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = data;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/**
 * A map in the value whose translations are not all text (`values: { paid: 1 }`): YAML reads an
 * unquoted 1 as a number, and the union of value forms would only say none fits.
 */
function unquotedMapValue(value: unknown): { key: string; value: string } | null {
  if (value === null || typeof value !== 'object') return null;
  const map = value as { map?: unknown; values?: unknown; otherwise?: unknown };
  if (map.map !== undefined) {
    const values = map.values !== null && typeof map.values === 'object' ? Object.entries(map.values) : [];
    const [key, bare] = values.find(([, v]) => typeof v !== 'string') ?? [];
    if (key !== undefined) return { key, value: String(bare) };
    if (map.otherwise !== undefined && typeof map.otherwise !== 'string') return { key: 'otherwise', value: String(map.otherwise) };
  }
  for (const inner of Object.values(value)) {
    const found = unquotedMapValue(inner);
    if (found) return found;
  }
  return null;
}

function describe(issue: z.core.$ZodIssue, data: unknown): string {
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const value = valueAt(data, issue.path);
  if (issue.path.join('.') === 'staff' && (value === null || typeof value !== 'object'))
    return `${where}${value === undefined || value === null ? 'missing: ' : ''}the CRM's staff accounts (table, key, email, name, password), or staff: none where its staff do not sign in to the portal`;
  if (issue.path.length > 0 && value === undefined && issue.code !== 'custom') return `${where}missing`;
  if (issue.code === 'unrecognized_keys') return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_union') {
    const bare = unquotedMapValue(valueAt(data, issue.path));
    if (bare) return `${where}a map's values are text, quoted: write ${bare.key}: '${bare.value}', not ${bare.key}: ${bare.value}`;
    return `${where}not one of the forms this key takes (see docs/bind-your-crm.md)`;
  }
  return `${where}${issue.message}`;
}

/**
 * A union's issues where exactly one of its forms takes a value of this kind (a list, a map, a
 * text): that form's own issues, each at its own path (and line), instead of "none fits". Any
 * other union is said as one.
 */
function narrowed(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length < 2) return [issue];
  const fitting = issue.errors.filter((errors) => !errors.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  if (fitting.length !== 1) return [issue];
  return fitting[0]!.flatMap((inner) => narrowed({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue));
}

/** Parses and checks the text of a binding file; `file` names it in the problems. */
export function parseBindingFile(text: string, file: string): BindingFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new BindingFileError(
      file,
      doc.errors.map((error) => `line ${lines.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`),
    );
  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  const questions = unansweredQuestions(doc, lines);
  const parsed = bindingFileSchema.safeParse(data);
  if (parsed.success && questions.length === 0) return parsed.data;
  // What the format says about a value still a question is the question itself: said once.
  const asked = questions.map((q) => q.path.join('.'));
  const issues = (parsed.error?.issues ?? []).flatMap(narrowed).filter((issue) => {
    const at = issue.path.join('.');
    return !asked.some((path) => at === path || at.startsWith(`${path}.`));
  });
  const problems = issues.map((issue) => {
    const node = nodeAt(doc.contents as Node | null, issue.path);
    const line = node?.range ? lines.linePos(node.range[0]).line : 1;
    return `line ${line}: ${describe(issue, data)}`;
  });
  throw new BindingFileError(file, [...questions.map((q) => `line ${q.line}: unanswered question: ${q.text}`), ...problems]);
}

/**
 * The values still marked as questions: a file drafted by the audit (`--write-binding`) asks what
 * it could not know as "QUESTION: ..." strings, and none may be served until answered, even where
 * a question would pass for a value (a name, a title).
 */
function unansweredQuestions(doc: Document, lines: LineCounter): Array<{ path: string[]; line: number; text: string }> {
  const found: Array<{ path: string[]; line: number; text: string }> = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.startsWith(QUESTION_MARK)) return;
      // The keys on the way to the value (a sequence's items add none: its key stands for them all).
      const path = ancestors.flatMap((a) => (isPair(a) && isScalar(a.key) ? [String(a.key.value)] : []));
      found.push({ path, line: node.range ? lines.linePos(node.range[0]).line : 1, text: node.value.slice(QUESTION_MARK.length).trim() });
    },
  });
  return found;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new BindingFileError(file, [`cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
}

export function readBindingFile(file: string): BindingFile {
  return parseBindingFile(readText(file), file);
}

/** A path of the file's keys (`['invoices', 'paid']`) to its line, where what the database says of a value names it. */
export type LineOf = (path: ReadonlyArray<string | number>) => number;

/** The line of each path of a binding file's text, for the problems found past its format (check's column types). */
function bindingFileLines(text: string): LineOf {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return (path) => {
    const node = nodeAt(doc.contents as Node | null, path);
    return node?.range ? lines.linePos(node.range[0]).line : 1;
  };
}

/** The file read and checked, with the line of each of its paths. */
export function readBindingFileWithLines(file: string): { file: BindingFile; lineOf: LineOf } {
  const text = readText(file);
  return { file: parseBindingFile(text, file), lineOf: bindingFileLines(text) };
}
