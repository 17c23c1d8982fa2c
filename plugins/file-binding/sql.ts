// The file's values, conditions and joins as SQL fragments. Names come only from the checked file
// (format.ts allows plain names only) and are quoted; every value a file or a request gives is a
// bound parameter. Each fragment also notes the columns it reads, so the binding's claims (what
// the start-up check verifies against the schema) are exactly what its statements touch.
import type { Knex } from 'knex';
import type { HostClaim, HostConcept } from '../../src/index.ts';
import type { Condition, Join, Value, Where } from './format.ts';

export interface Sql {
  sql: string;
  bindings: unknown[];
}

/** A name the format has already checked (letters, digits, _), quoted. */
const quoteName = (name: string): string => `"${name}"`;
/** `public.clients` → "public"."clients". */
const quoteTable = (table: string): string => table.split('.').map(quoteName).join('.');

const sql = (text: string, bindings: unknown[] = []): Sql => ({ sql: text, bindings });

/** A value read with the concept's rows, as text (a list's key, an amount, a date, a name). */
export class Scope {
  /** table → columns read, for the claims. */
  readonly reads = new Map<string, Set<string>>();
  private readonly tables = new Map<string, string>();

  constructor(
    readonly table: string,
    readonly joins: readonly Join[] = [],
  ) {
    this.tables.set('r', table);
    for (const join of joins) {
      if (this.tables.has(join.as)) throw new Error(`the alias ${join.as} is used twice`);
      this.tables.set(join.as, join.table);
    }
  }

  /** A column of the concept's table (`name`) or of a join (`c.settings`). */
  column(ref: string): Sql {
    const [alias, column] = ref.includes('.') ? (ref.split('.') as [string, string]) : ['r', ref];
    const table = this.tables.get(alias);
    if (!table)
      throw new Error(
        `${ref}: no join is named ${alias} (joins: ${[...this.tables.keys()].filter((a) => a !== 'r').join(', ') || 'none'})`,
      );
    this.note(table, column);
    return sql(`${quoteName(alias)}.${quoteName(column)}`);
  }

  note(table: string, column: string): void {
    const columns = this.reads.get(table) ?? new Set<string>();
    columns.add(column);
    this.reads.set(table, columns);
  }

  value(value: Value): Sql {
    if (typeof value === 'string') return this.column(value);
    if ('column' in value) return this.column(value.column);
    if ('json' in value) {
      const column = this.column(value.json);
      return sql(`((${column.sql})::jsonb #>> ?::text[])`, [...column.bindings, value.path.split('.')]);
    }
    if ('constant' in value) return sql(typeof value.constant === 'number' ? '?::numeric' : '?::text', [value.constant]);
    if ('concat' in value) {
      const parts = value.concat.map((part) => this.value(part));
      return sql(`nullif(concat_ws(?::text, ${parts.map((p) => `nullif(trim((${p.sql})::text), '')`).join(', ')}), '')`, [
        value.separator ?? ' ',
        ...parts.flatMap((p) => p.bindings),
      ]);
    }
    if ('first' in value) {
      const parts = value.first.map((part) => this.value(part));
      return sql(
        `coalesce(${parts.map((p) => `nullif(trim((${p.sql})::text), '')`).join(', ')})`,
        parts.flatMap((p) => p.bindings),
      );
    }
    if ('sum' in value) {
      // A null amount counts as 0, as a host's empty freight or tax column means none.
      const added = value.sum.map((part) => this.value(part));
      const taken = (value.minus ?? []).map((part) => this.value(part));
      const term = (p: Sql) => `coalesce((${p.sql})::numeric, 0)`;
      return sql(
        `(${[added.map(term).join(' + '), ...taken.map(term)].join(' - ')})`,
        [...added, ...taken].flatMap((p) => p.bindings),
      );
    }
    if ('product' in value) {
      const parts = value.product.map((part) => this.value(part));
      return sql(
        `(${parts.map((p) => `(${p.sql})::numeric`).join(' * ')})`,
        parts.flatMap((p) => p.bindings),
      );
    }
    if ('sign' in value) {
      // Rounded to cents first: an amount left by floating-point sums (0.0000001) is settled.
      const inner = this.value(value.sign);
      return sql(`sign(round((${inner.sql})::numeric, 2))::int`, inner.bindings);
    }
    const inner = this.value(value.map);
    const entries = Object.entries(value.values);
    const cases = entries.map(() => 'when ? then ?').join(' ');
    return sql(`(case (${inner.sql})::text ${cases} else ?::text end)`, [...inner.bindings, ...entries.flat(), value.otherwise ?? null]);
  }

  /** The value as text: what a key, a number or a name is compared and returned as. */
  text(value: Value): Sql {
    const inner = this.value(value);
    return sql(`(${inner.sql})::text`, inner.bindings);
  }

  /** Every part of `where` holds on the row. */
  where(where: Where | undefined): Sql {
    const parts: Sql[] = [];
    for (const [ref, expected] of Object.entries(where ?? {})) {
      const column = this.column(ref);
      if (expected === null) parts.push(sql(`${column.sql} is null`));
      else if (Array.isArray(expected))
        parts.push(sql(`${column.sql}::text in (${expected.map(() => '?').join(', ')})`, expected.map(String)));
      else parts.push(sql(`${column.sql}::text = ?`, [String(expected)]));
    }
    return and(parts);
  }

  condition(condition: Condition): Sql {
    if ('anyOf' in condition && Array.isArray(condition.anyOf)) {
      const parts = (condition.anyOf as Where[]).map((where) => this.where(where));
      return sql(
        `(${parts.map((p) => p.sql).join(' or ')})`,
        parts.flatMap((p) => p.bindings),
      );
    }
    return this.where(condition as Where);
  }

  /** The table and its joins: `"clients" as "r" left join … on …`. */
  from(): Sql {
    const parts = [sql(`${quoteTable(this.table)} as "r"`)];
    for (const join of this.joins) {
      const on = Object.entries(join.on).map(([column, value]) => {
        this.note(join.table, column);
        const local = this.value(value);
        const plainColumn = typeof value === 'string' || 'column' in value;
        const remote = `${quoteName(join.as)}.${quoteName(column)}`;
        return plainColumn
          ? sql(`${remote} = ${local.sql}`, local.bindings)
          : sql(`${remote}::text = (${local.sql})::text`, local.bindings);
      });
      parts.push(
        sql(
          `left join ${quoteTable(join.table)} as ${quoteName(join.as)} on ${on.map((p) => p.sql).join(' and ')}`,
          on.flatMap((p) => p.bindings),
        ),
      );
    }
    return sql(
      parts.map((p) => p.sql).join(' '),
      parts.flatMap((p) => p.bindings),
    );
  }

  /** What the claims say of this scope's reads, as `concept`. */
  claims(concept: HostConcept, where?: Where): HostClaim[] {
    const scalarWhere = Object.fromEntries(
      Object.entries(where ?? {}).filter(([ref, value]) => !ref.includes('.') && value !== null && !Array.isArray(value)),
    ) as Record<string, string | number | boolean>;
    return [...this.reads].map(([table, columns]) => ({
      concept,
      table,
      columns: [...columns].sort(),
      ...(table === this.table && Object.keys(scalarWhere).length > 0 ? { where: scalarWhere } : {}),
    }));
  }
}

/** All of the parts; `true` for none. */
export function and(parts: Sql[]): Sql {
  const kept = parts.filter((part) => part.sql !== 'true');
  if (kept.length === 0) return sql('true');
  return sql(
    kept.map((p) => `(${p.sql})`).join(' and '),
    kept.flatMap((p) => p.bindings),
  );
}

export const raw = (db: Knex, fragment: Sql): Knex.Raw => db.raw(fragment.sql, fragment.bindings as Knex.RawBinding[]);
export { sql };
