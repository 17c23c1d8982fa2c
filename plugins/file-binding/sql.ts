// The file's values, conditions and joins as SQL fragments. Names come only from the checked file
// (format.ts allows plain names only) and are quoted; every value a file or a request gives is a
// bound parameter. Each fragment also notes the columns it reads, so the binding's claims (what
// the start-up check verifies against the schema) are exactly what its statements touch.
import type { Knex } from 'knex';
import type { HostClaim, HostConcept } from '../../src/index.ts';
import type { Condition, Join, PlainWhere, PointingRow, SettingsSource, SumOf, Value, Where } from './format.ts';

export interface Sql {
  sql: string;
  bindings: unknown[];
}

/** A name the format has already checked (letters, digits, _), quoted. */
export const quoteName = (name: string): string => `"${name}"`;
/** `public.clients` → "public"."clients". */
export const quoteTable = (table: string): string => table.split('.').map(quoteName).join('.');

const sql = (text: string, bindings: unknown[] = []): Sql => ({ sql: text, bindings });

/** A value read with the concept's rows, as text (a list's key, an amount, a date, a name). */
export class Scope {
  /** table → columns read, for the claims. */
  readonly reads = new Map<string, Set<string>>();
  /** The joins' aliases the fragments made so far name. */
  readonly aliases = new Set<string>();
  private sums = 0;
  private others = 0;
  private readonly tables = new Map<string, string>();
  /** The settings table and the workspace whose settings a `{ setting }` value reads (see readingSettings). */
  private settings: { source: SettingsSource; workspaceId: string } | null = null;

  /**
   * `self`: the alias of the concept's own table, "r" unless the scope is read inside another's
   * statement (a ticket's messages in a subquery of the tickets' list), where "r" is the outer one.
   */
  constructor(
    readonly table: string,
    readonly joins: readonly Join[] = [],
    readonly self = 'r',
  ) {
    this.tables.set(self, table);
    for (const join of joins) {
      if (this.tables.has(join.as)) throw new Error(`the alias ${join.as} is used twice`);
      this.tables.set(join.as, join.table);
    }
  }

  /** Lets `{ setting }` values read this workspace's settings: only the documents' details do (format.ts). */
  readingSettings(source: SettingsSource | undefined, workspaceId: string): this {
    this.settings = source ? { source, workspaceId } : null;
    return this;
  }

  /**
   * One setting of the workspace: its own row, else a row shared by every workspace (`shared`),
   * else null. The workspace is a bound value: a setting is never read past the workspace.
   */
  private setting(settingName: string): Sql {
    if (!this.settings) throw new Error(`the setting ${settingName} is read where no settings are (see settings in the file)`);
    const { source, workspaceId } = this.settings;
    const alias = quoteName(`k${++this.sums}`);
    const col = (column: string) => {
      this.note(source.table, column);
      return `${alias}.${quoteName(column)}`;
    };
    const value = col(source.value);
    const named = `${col(source.name)} = ?`;
    if (source.workspace === undefined)
      return sql(`(select ${value}::text from ${quoteTable(source.table)} as ${alias} where ${named} limit 1)`, [settingName]);
    const owner = col(source.workspace);
    const shared = (source.shared ?? []).map(String);
    const whose = shared.length > 0 ? `(${owner} = ? or ${owner} in (${shared.map(() => '?').join(', ')}))` : `${owner} = ?`;
    return sql(
      `(select ${value}::text from ${quoteTable(source.table)} as ${alias} where ${named} and ${whose} order by (${owner} = ?) desc limit 1)`,
      [settingName, workspaceId, ...shared, workspaceId],
    );
  }

  /** A column of the concept's table (`name`) or of a join (`c.settings`). */
  column(ref: string): Sql {
    const [alias, column] = ref.includes('.') ? (ref.split('.') as [string, string]) : [this.self, ref];
    const table = this.tables.get(alias);
    if (!table)
      throw new Error(
        `${ref}: no join is named ${alias} (joins: ${[...this.tables.keys()].filter((a) => a !== this.self).join(', ') || 'none'})`,
      );
    if (alias !== this.self) this.aliases.add(alias);
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
    if ('sumOfRows' in value) return this.sumOfRows(value);
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
    if ('setting' in value) return this.setting(value.setting);
    if ('lower' in value) {
      const inner = this.value(value.lower);
      return sql(`lower((${inner.sql})::text)`, inner.bindings);
    }
    if ('split' in value) {
      const inner = this.value(value.split);
      return sql(`nullif(split_part((${inner.sql})::text, ?::text, ?::int), '')`, [...inner.bindings, value.by, value.part]);
    }
    if ('sign' in value) {
      // Rounded to cents first: an amount left by floating-point sums (0.0000001) is settled.
      const inner = this.value(value.sign);
      return sql(`sign(round((${inner.sql})::numeric, 2))::int`, inner.bindings);
    }
    const inner = this.value(value.map);
    const entries = Object.entries(value.values);
    const cases = entries.map(() => 'when ? then ?').join(' ');
    const otherwise = value.else === undefined ? sql('?::text', [value.otherwise ?? null]) : this.text(value.else);
    return sql(`(case (${inner.sql})::text ${cases} else ${otherwise.sql} end)`, [
      ...inner.bindings,
      ...entries.flat(),
      ...otherwise.bindings,
    ]);
  }

  /** Correlated sums over other tables' rows, added up; each alias is fresh, so sums never collide. */
  private sumOfRows(value: Extract<Value, { sumOfRows: unknown }>): Sql {
    const sums = value.sumOfRows.map((part: SumOf) => {
      const alias = `s${++this.sums}`;
      const on = Object.entries(part.on).map(([column, local]) => {
        this.note(part.of, column);
        const expr = this.value(local);
        return sql(`${quoteName(alias)}.${quoteName(column)} = ${expr.sql}`, expr.bindings);
      });
      const where = this.whereOn(part.of, alias, part.where);
      this.note(part.of, part.column);
      const condition = and([...on, where]);
      return sql(
        `coalesce((select sum(${quoteName(alias)}.${quoteName(part.column)}) from ${quoteTable(part.of)} as ${quoteName(alias)} where ${condition.sql}), 0)`,
        condition.bindings,
      );
    });
    return sql(
      `(${sums.map((p) => p.sql).join(' + ')})`,
      sums.flatMap((p) => p.bindings),
    );
  }

  /** Every part of `where` holds on a row of another table, aliased `alias` (its columns noted for the claims). */
  whereOn(table: string, alias: string, where: PlainWhere | undefined): Sql {
    return and(
      Object.entries(where ?? {}).map(([column, expected]) => {
        this.note(table, column);
        const ref = `${quoteName(alias)}.${quoteName(column)}`;
        if (expected === null) return sql(`${ref} is null`);
        const values = Array.isArray(expected) ? expected : [expected];
        return sql(`${ref} in (${values.map(() => '?').join(', ')})`, values.map(String));
      }),
    );
  }

  /** Another table holds a row pointing at this one (EspoCRM's article linked to its portal); its alias is fresh. */
  exists(part: PointingRow): Sql {
    const alias = `e${++this.others}`;
    const on = Object.entries(part.on).map(([column, local]) => {
      this.note(part.table, column);
      const expr = this.value(local);
      const plain = typeof local === 'string' || 'column' in local;
      const remote = `${quoteName(alias)}.${quoteName(column)}`;
      return plain ? sql(`${remote} = ${expr.sql}`, expr.bindings) : sql(`${remote}::text = (${expr.sql})::text`, expr.bindings);
    });
    const condition = and([...on, this.whereOn(part.table, alias, part.where)]);
    return sql(`exists (select 1 from ${quoteTable(part.table)} as ${quoteName(alias)} where ${condition.sql})`, condition.bindings);
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
      // Compared as the column's own type (PostgreSQL reads the bound text as it), so its index serves.
      if (expected === null) parts.push(sql(`${this.column(ref).sql} is null`));
      else parts.push(this.among(ref, Array.isArray(expected) ? expected : [expected]));
    }
    return and(parts);
  }

  /** The value is one of these; a plain column compares as its own type, anything else as text. */
  among(value: Value, values: ReadonlyArray<string | number | boolean>): Sql {
    const expr = this.value(value);
    const plain = typeof value === 'string' || 'column' in value;
    const list = values.map(() => '?').join(', ');
    return sql(plain ? `${expr.sql} in (${list})` : `(${expr.sql})::text in (${list})`, [...expr.bindings, ...values.map(String)]);
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

  /**
   * The table and its joins: `"clients" as "r" left join … on …`. `onlyNamed`: only the joins the
   * fragments made so far name (and those they join on), for a statement that reads no other:
   * a left join nothing reads still costs a lookup per row. `rows`: a statement giving rows of the
   * table, read as "r" in its place (the table's rows a bounded subquery found).
   */
  from(onlyNamed = false, rows?: Sql): Sql {
    const self = quoteName(this.self);
    const parts = [rows ? sql(`(${rows.sql}) as ${self}`, rows.bindings) : sql(`${quoteTable(this.table)} as ${self}`)];
    const needed = new Set(this.aliases);
    for (const join of [...this.joins].reverse())
      if (needed.has(join.as)) for (const value of Object.values(join.on)) for (const alias of aliasesOf(value)) needed.add(alias);
    for (const join of this.joins.filter((j) => !onlyNamed || needed.has(j.as))) {
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

/** The join aliases a value names. */
function aliasesOf(value: Value): string[] {
  if (typeof value === 'string') return value.includes('.') ? [value.split('.')[0]!] : [];
  if ('column' in value) return aliasesOf(value.column);
  if ('json' in value) return aliasesOf(value.json);
  if ('concat' in value) return value.concat.flatMap(aliasesOf);
  if ('first' in value) return value.first.flatMap(aliasesOf);
  if ('map' in value) return [...aliasesOf(value.map), ...(value.else === undefined ? [] : aliasesOf(value.else))];
  if ('lower' in value) return aliasesOf(value.lower);
  if ('sumOfRows' in value) return value.sumOfRows.flatMap((part) => Object.values(part.on).flatMap(aliasesOf));
  if ('sum' in value) return [...value.sum, ...(value.minus ?? [])].flatMap(aliasesOf);
  if ('product' in value) return value.product.flatMap(aliasesOf);
  if ('sign' in value) return aliasesOf(value.sign);
  if ('split' in value) return aliasesOf(value.split);
  return [];
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
