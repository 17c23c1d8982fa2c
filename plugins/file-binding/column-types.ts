// What `check` says of a value given a column of the wrong type, before any statement reads it:
// an amount given a timestamp, a date given a number, a fixed workspace's id that its sections'
// workspace columns cannot hold (1 against a uuid). PostgreSQL would refuse each only when a page
// is read, in a statement that names no line of the file; here each is said with its line and what
// the key expects.
import type { Knex } from 'knex';
import { type BindingFile, type Join, paymentSources, type Value, WORKSPACE_SCOPED_SECTIONS } from './format.ts';
import { readColumnTypes } from './keys.ts';
import type { LineOf } from './load.ts';

type Path = Array<string | number>;

/** A section's own table and its joins: where a value's column is found. */
interface Section {
  table: string;
  joins?: Join[] | undefined;
}

interface Use {
  path: Path;
  table: string;
  column: string;
}

const NUMBER_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision', 'money']);
const TEXT_TYPES = new Set(['text', 'character varying', 'character']);
const DATE_TYPES = new Set(['date', 'timestamp without time zone', 'timestamp with time zone']);
const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The table and column a value names directly (`paid_at`, `c.amount`, `{ column: x }`), or null. */
function columnOf(section: Section, value: Value | undefined): { table: string; column: string } | null {
  if (value === undefined) return null;
  const ref = typeof value === 'string' ? value : 'column' in value ? value.column : null;
  if (ref === null) return null;
  const dot = ref.indexOf('.');
  if (dot < 0) return { table: section.table, column: ref };
  const join = section.joins?.find((j) => j.as === ref.slice(0, dot));
  return join ? { table: join.table, column: ref.slice(dot + 1) } : null;
}

/**
 * The columns a value reads as a number: itself, each part of a sum, a difference or a product,
 * each choice of `first`, and a map's `else` (its `values` are text the file gives).
 */
function amountUses(section: Section, value: Value | undefined, path: Path): Use[] {
  if (value === undefined) return [];
  const direct = columnOf(section, value);
  if (direct) return [{ path, ...direct }];
  if (typeof value === 'string') return [];
  const each = (values: Value[] | undefined, key: string) =>
    (values ?? []).flatMap((inner, i) => amountUses(section, inner, [...path, key, i]));
  if ('sum' in value) return [...each(value.sum, 'sum'), ...each(value.minus, 'minus')];
  if ('product' in value) return each(value.product, 'product');
  if ('first' in value) return each(value.first, 'first');
  if ('map' in value && value.else !== undefined) return amountUses(section, value.else, [...path, 'else']);
  return [];
}

/** The columns a value reads as a day or a time: itself, or each choice of `first`. */
function dateUses(section: Section, value: Value | undefined, path: Path): Use[] {
  if (value === undefined) return [];
  const direct = columnOf(section, value);
  if (direct) return [{ path, ...direct }];
  if (typeof value === 'object' && 'first' in value)
    return value.first.flatMap((inner, i) => dateUses(section, inner, [...path, 'first', i]));
  return [];
}

/** Every amount and every date the file reads from a column, with its path. */
function typedUses(file: BindingFile): { amounts: Use[]; dates: Use[] } {
  const amounts: Use[] = [];
  const dates: Use[] = [];
  const read = (section: Section | undefined, path: Path, keys: { amounts?: string[]; dates?: string[] }) => {
    if (!section) return;
    const values = section as unknown as Record<string, Value | undefined>;
    for (const key of keys.amounts ?? []) amounts.push(...amountUses(section, values[key], [...path, key]));
    for (const key of keys.dates ?? []) dates.push(...dateUses(section, values[key], [...path, key]));
  };
  const offerKeys = { amounts: ['total', 'tax'], dates: ['date', 'validUntil', 'sentAt', 'decidedAt'] };
  const lineKeys = { amounts: ['quantity', 'unitPrice', 'total', 'taxRate', 'discountPercent'] };
  for (const name of ['proposals', 'quotations'] as const) {
    const offer = file[name];
    read(offer, [name], offerKeys);
    if (offer?.lines && 'table' in offer.lines) read(offer.lines, [name, 'lines'], lineKeys);
  }
  const invoices = file.invoices;
  read(invoices, ['invoices'], { amounts: ['total', 'tax', 'paid', 'balance'], dates: ['date', 'due'] });
  if (invoices?.lines && 'table' in invoices.lines) read(invoices.lines, ['invoices', 'lines'], lineKeys);
  for (const { source, path } of paymentSources(invoices)) read(source, path, { amounts: ['amount'], dates: ['date'] });
  read(file.tasks, ['tasks'], { dates: ['due', 'completedAt'] });
  read(file.projects, ['projects'], { amounts: ['progress'], dates: ['start', 'end'] });
  read(file.tickets, ['tickets'], { dates: ['openedAt', 'updatedAt', 'closedAt'] });
  read(file.knowledgeBase, ['knowledgeBase'], { dates: ['from', 'until', 'updatedAt'] });
  return { amounts, dates };
}

/** Each section's workspace column, where one fixed workspace's id is compared with it. */
function workspaceUses(file: BindingFile): Use[] {
  if (!file.workspace) return [];
  const uses = WORKSPACE_SCOPED_SECTIONS.flatMap((name) => {
    const section = file[name];
    const column = section && typeof section === 'object' ? columnOf(section, section.workspace) : null;
    return column ? [{ path: [name, 'workspace'], ...column }] : [];
  });
  const bank = file.invoices?.bank;
  const column = bank ? columnOf(bank, bank.workspace) : null;
  return column ? [...uses, { path: ['invoices', 'bank', 'workspace'], ...column }] : uses;
}

const a = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** The file's values whose columns cannot hold what their keys read, each with its line and what is expected. */
export async function columnTypeProblems(db: Knex, file: BindingFile, lineOf: LineOf): Promise<string[]> {
  const { amounts, dates } = typedUses(file);
  const workspaces = workspaceUses(file);
  const types = await readColumnTypes(db, [...amounts, ...dates, ...workspaces]);
  const typeOf = (use: Use) => types.get(`${use.table}.${use.column}`);
  const problems: string[] = [];
  const wrong = (uses: Use[], accepted: Set<string>, expected: string) => {
    for (const use of uses) {
      const type = typeOf(use);
      if (type === undefined || accepted.has(type) || TEXT_TYPES.has(type)) continue;
      const key = use.path
        .filter((part) => typeof part === 'string' && !['sum', 'minus', 'product', 'first', 'else'].includes(part))
        .at(-1);
      problems.push(
        `line ${lineOf(use.path)}: ${use.path.join('.')}: ${use.table}.${use.column} is ${a(type)} column, and ${key} is ${expected}`,
      );
    }
  };
  wrong(amounts, NUMBER_TYPES, 'an amount: give it a number column (or text holding a number)');
  wrong(dates, DATE_TYPES, 'a date: give it a date or timestamp column (or text holding a date)');
  const id = file.workspace?.id;
  if (id !== undefined) {
    const refusing = workspaces.filter((use) => {
      const type = typeOf(use);
      return (type === 'uuid' && !UUID.test(id)) || (type !== undefined && INTEGER_TYPES.has(type) && !/^-?[0-9]{1,18}$/.test(id));
    });
    if (refusing.length > 0) {
      const kinds = [...new Set(refusing.map((use) => (typeOf(use) === 'uuid' ? 'a uuid' : 'an integer')))].join(' or ');
      const columns = refusing.map((use) => `${use.path.join('.')} (${use.table}.${use.column}, line ${lineOf(use.path)})`).join(', ');
      problems.push(
        `line ${lineOf(['workspace', 'id'])}: workspace.id: ${JSON.stringify(id)} is not ${kinds}, as ${columns} hold${refusing.length === 1 ? 's' : ''}: with a fixed workspace and workspace columns, id is the value those columns hold for the agency's rows`,
      );
    }
  }
  return problems;
}
