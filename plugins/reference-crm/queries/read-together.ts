// Several reads in one statement, so a page that shows a little of many lists (the portal's
// dashboard) costs one round trip instead of one per list. Each read becomes one column: a list as
// a JSON array of its rows, in the list's own order; a one-row read as a JSON object. JSON carries
// text, numbers, booleans and nulls as the rows' own types do, but timestamps as text: the caller
// names its timestamp columns and gets Dates back, as the read on its own would give.
//
// Building that statement with knex (half a dozen query builders composed) cost about a tenth of
// the dashboard's Node time, for a text that only changes with the shape of the page (which lists,
// how many rows). togetherTemplate builds it once per shape, in PostgreSQL's `$1` form, and
// afterwards only fills in values and sends it below knex (below-knex.ts).
import type { Knex } from 'knex';
import { PLANNED_FOR_ITS_VALUES } from '../../../src/index.ts';
import { positioned, readBelowKnex } from './below-knex.ts';
import type { Db } from './db.ts';

export interface TogetherRead {
  /** The column it comes back in: a plain lower-case name. */
  name: string;
  query: Knex.QueryBuilder | Knex.Raw;
  shape: 'rows' | 'row';
  /** Columns of timestamp type, turned back into Dates. */
  timestamps?: readonly string[];
}

const NAME = /^[a-z_]+$/;

export async function readTogether(db: Db, reads: readonly TogetherRead[]): Promise<Record<string, unknown>> {
  if (reads.length === 0) return {};
  return run(reads, composed(db, reads));
}

/**
 * The one statement: each read a subquery in its own column. `plannedForItsValues`: a statement
 * whose best plan depends on its values, planned for them every time (PLANNED_FOR_ITS_VALUES).
 */
function composed(db: Db, reads: readonly TogetherRead[], plannedForItsValues = false): Knex.Raw {
  const columns = reads.map((read) => {
    if (!NAME.test(read.name)) throw new Error(`readTogether: "${read.name}" is no plain column name`);
    return read.shape === 'rows'
      ? `(select coalesce(json_agg(q), '[]'::json) from ? q) as ${read.name}`
      : `(select row_to_json(q) from ? q) as ${read.name}`;
  });
  // Knex puts a query builder in parentheses, a raw statement not: each gets its own pair.
  return db.raw(
    `${plannedForItsValues ? PLANNED_FOR_ITS_VALUES : ''}select ${columns.join(', ')}`,
    reads.map((read) => db.raw('(?)', [read.query])),
  );
}

async function run(reads: readonly Pick<TogetherRead, 'name' | 'timestamps'>[], statement: Knex.Raw): Promise<Record<string, unknown>> {
  const result = await statement;
  return columnsOf(reads, (result.rows as Array<Record<string, unknown>>)[0]!);
}

/** Each read's column of the one row, its timestamps Dates again. */
function columnsOf(reads: readonly Pick<TogetherRead, 'name' | 'timestamps'>[], row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(reads.map((read) => [read.name, revive(row[read.name], read.timestamps ?? [])]));
}

type Arguments = Record<string, number | string>;

/** A statement in PostgreSQL's `$1` form and where each of its values comes from. */
interface Fillable {
  /** The statement with `$1`, `$2`, … for its values. */
  text: string;
  /** Each value of the statement: one of the arguments by name, or a constant of the shape. */
  values: Array<{ argument: string } | { constant: unknown }>;
}

interface Template extends Fillable {
  reads: Array<Pick<TogetherRead, 'name' | 'timestamps'>>;
}

/** The values of a template's statement for `args`. */
const valuesOf = (template: Fillable, args: Arguments) =>
  template.values.map((value) => ('argument' in value ? args[value.argument] : value.constant));

/**
 * readTogether with the statement built once per shape. `build` makes the reads from a shape (what
 * changes the text: which lists, how many rows; `key` names it) and arguments (ids, dates: values
 * that land only in the statement's values). The template is found by building twice with
 * stand-in arguments and keeping the places where they differ as the arguments'; a build whose
 * text or values do not follow that rule is run as readTogether runs it, every time.
 */
export function togetherTemplate<S, A extends Arguments>(
  key: (shape: S) => string,
  build: (db: Db, shape: S, args: A) => TogetherRead[],
  options: { plannedForItsValues?: boolean } = {},
) {
  const planned = options.plannedForItsValues ?? false;
  const templates = new Map<string, Template | null>();
  return async (db: Db, shape: S, args: A): Promise<Record<string, unknown>> => {
    const name = key(shape);
    let template = templates.get(name);
    if (template === undefined) {
      template = togetherTemplateOf(db, (standIns) => build(db, shape, standIns), args, planned);
      templates.set(name, template);
    }
    if (!template) {
      const reads = build(db, shape, args);
      return reads.length === 0 ? {} : run(reads, composed(db, reads, planned));
    }
    if (template.reads.length === 0) return {};
    const [row] = await readBelowKnex<Record<string, unknown>>(db, template.text, valuesOf(template, args));
    return columnsOf(template.reads, row!);
  };
}

/**
 * One read built once per shape, as togetherTemplate builds several: a page's own list, whose
 * knex building (its conditions, order and limit composed anew) is work done again for a text
 * that only changes with the shape. Rows come back as the query on its own gives them; a build
 * that does not keep to values is run by knex, every time.
 */
export function readTemplate<S, A extends Arguments, Row>(
  key: (shape: S) => string,
  build: (db: Db, shape: S, args: A) => Knex.QueryBuilder | Knex.Raw,
) {
  const templates = new Map<string, Fillable | null>();
  return async (db: Db, shape: S, args: A): Promise<Row[]> => {
    const name = key(shape);
    let template = templates.get(name);
    if (template === undefined) {
      template = fillableOf(args, (standIns) => build(db, shape, standIns).toSQL());
      templates.set(name, template);
    }
    if (!template) return (await build(db, shape, args)) as unknown as Row[];
    return readBelowKnex<Row>(db, template.text, valuesOf(template, args));
  };
}

function togetherTemplateOf<A extends Arguments>(db: Db, build: (args: A) => TogetherRead[], args: A, planned: boolean): Template | null {
  let reads: TogetherRead[] | undefined;
  const fillable = fillableOf(args, (standIns) => {
    const built = build(standIns);
    reads ??= built;
    return built.length === 0 ? { sql: '', bindings: [] } : composed(db, built, planned).toSQL();
  });
  if (!fillable) return null;
  return { ...fillable, reads: reads!.map(({ name, timestamps }) => ({ name, ...(timestamps ? { timestamps } : {}) })) };
}

/**
 * Where a statement's values come from, found by compiling it twice with stand-in arguments: null
 * where its text changes with them, or a value is neither an argument nor the same constant.
 */
function fillableOf<A extends Arguments>(args: A, compile: (args: A) => { sql: string; bindings: readonly unknown[] }): Fillable | null {
  const names = Object.keys(args);
  // Two sets of stand-ins that no real value or constant equals, of each argument's own type.
  const standIn = (set: number) =>
    Object.fromEntries(
      names.map((name, i) => [name, typeof args[name] === 'number' ? -(1_000_000_007 + set * 1_000 + i) : `\u0000stand-in ${set}.${i}`]),
    ) as A;
  const [first, second] = [standIn(1), standIn(2)];
  const one = compile(first);
  const two = compile(second);
  if (one.sql !== two.sql || one.bindings.length !== two.bindings.length) return null;
  // knex.raw reads every `?` as a value's place (and `??` as a name's): only a text whose `?` are exactly its values can be reused.
  const text = positioned(one.sql, one.bindings.length);
  if (text === undefined) return null;
  const values: Fillable['values'] = [];
  for (let i = 0; i < one.bindings.length; i++) {
    const [x, y] = [one.bindings[i], two.bindings[i]];
    const argument = names.find((name) => x === first[name]);
    if (argument !== undefined && y === second[argument]) values.push({ argument });
    else if (argument === undefined && !names.some((name) => y === second[name]) && sameConstant(x, y)) values.push({ constant: x });
    else return null;
  }
  return { text, values };
}

function sameConstant(x: unknown, y: unknown): boolean {
  return x === y || (x instanceof Date && y instanceof Date && x.getTime() === y.getTime());
}

function revive(value: unknown, timestamps: readonly string[]): unknown {
  if (timestamps.length === 0 || value === null) return value;
  const one = (record: Record<string, unknown>) => {
    for (const column of timestamps) {
      const text = record[column];
      if (typeof text === 'string') record[column] = new Date(text);
    }
    return record;
  };
  return Array.isArray(value) ? value.map(one) : one(value as Record<string, unknown>);
}
