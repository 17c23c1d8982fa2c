// What a call of pg's Client.prototype.query sends, read from its arguments as pg reads them: a
// text and its values (`query(text, values)`), or a config with `text` and `values` (knex's, a
// named statement's). Shared by the helpers that watch statements go out (query-counter.ts,
// plans.ts).

export interface SentStatement {
  sql: string;
  bindings: unknown[];
  /** A named statement, whose plan PostgreSQL may keep for any values (a generic plan). */
  named: boolean;
}

/** The statement of a query call's arguments; undefined for anything else (a submittable without text). */
export function sentStatement(args: readonly unknown[]): SentStatement | undefined {
  const [first, second] = args;
  const values = Array.isArray(second) ? second : [];
  if (typeof first === 'string') return { sql: first, bindings: values, named: false };
  if (first && typeof (first as { text?: unknown }).text === 'string') {
    const config = first as { text: string; values?: unknown[]; name?: unknown };
    return { sql: config.text, bindings: config.values ?? values, named: typeof config.name === 'string' };
  }
  return undefined;
}
