// What a call of pg's Client.prototype.query sends, read from its arguments as pg reads them: a
// text and its values (`query(text, values)`), or a config with `text` and `values` (knex's, a
// named statement's). Shared by the helpers that watch statements go out (query-counter.ts,
// plans.ts).

export interface SentStatement {
  sql: string;
  bindings: unknown[];
}

/** The statement of a query call's arguments; undefined for anything else (a submittable without text). */
export function sentStatement(args: readonly unknown[]): SentStatement | undefined {
  const [first, second] = args;
  const values = Array.isArray(second) ? second : [];
  if (typeof first === 'string') return { sql: first, bindings: values };
  if (first && typeof (first as { text?: unknown }).text === 'string') {
    const config = first as { text: string; values?: unknown[] };
    return { sql: config.text, bindings: config.values ?? values };
  }
  return undefined;
}
