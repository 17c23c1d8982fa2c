// The writes a binding file declares, as the host makes them: statements with named parameters
// (`:client`), each parameter bound, never spliced. A statement is one statement (no `;` between
// two), names only the parameters its write offers, and names the scope (`:client`, and
// `:workspace` where workspaces are a table), so no declared write can reach past the client.
import type { Knex } from 'knex';
import type { Write } from './format.ts';

/** A statement with its parameters in order: `?` for each, as knex binds them. */
export interface Statement {
  text: string;
  sql: string;
  params: string[];
  /** The columns of its `returning`, which the statements after it may name. */
  returns: string[];
}

class StatementError extends Error {
  override name = 'StatementError';
}

/**
 * The statement with each `:name` outside quotes and comments replaced by `?`. PostgreSQL's `::`
 * casts stay; a literal `?` (a jsonb operator) is escaped for knex.
 */
export function parseStatement(text: string): Statement {
  let sql = '';
  const params: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);
    const quoted = /^'(?:[^']|'')*'/.exec(rest) ?? /^"(?:[^"]|"")*"/.exec(rest);
    const comment = /^--[^\n]*/.exec(rest) ?? /^\/\*[\s\S]*?\*\//.exec(rest);
    if (quoted) {
      sql += quoted[0].replace(/\?/g, '\\?');
      i += quoted[0].length;
    } else if (comment) {
      i += comment[0].length;
      sql += ' ';
    } else if (rest.startsWith('::')) {
      sql += '::';
      i += 2;
    } else if (c === ':' && /^:[A-Za-z_][A-Za-z0-9_]*/.test(rest)) {
      const name = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)![1]!;
      params.push(name);
      sql += '?';
      i += name.length + 1;
    } else if (c === '?') {
      sql += '\\?';
      i += 1;
    } else if (c === ';') {
      if (text.slice(i + 1).trim() !== '') throw new StatementError('one statement each: a ; may only end it');
      i = text.length;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(rest)) {
      throw new StatementError('dollar-quoted text is not accepted in a statement');
    } else {
      sql += c;
      i += 1;
    }
  }
  if (!/^\s*(update|insert|delete|with|select)\b/i.test(sql))
    throw new StatementError('a statement begins with update, insert, delete, with or select');
  const returning = /\breturning\s+([\s\S]+)$/i.exec(sql);
  const returns = returning
    ? returning[1]!.split(',').map((part) => {
        const named = /(?:\bas\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?\s*$/i.exec(part.trim());
        if (!named) throw new StatementError(`returning: name each column (returning id as payment_id), not "${part.trim()}"`);
        return named[1]!;
      })
    : [];
  return { text, sql, params, returns };
}

/**
 * The statements of a declared write, checked: every parameter is one the write offers (or a
 * column a statement before it returns), and each names the scope it must stay in.
 */
export function parseWrite(write: Write, offered: readonly string[], scope: readonly string[]): Statement[] {
  const texts = typeof write === 'string' ? [write] : write;
  const known = new Set(offered);
  return texts.map((text, index) => {
    const where = texts.length > 1 ? `statement ${index + 1}: ` : '';
    let statement: Statement;
    try {
      statement = parseStatement(text);
    } catch (err) {
      throw new StatementError(`${where}${(err as Error).message}`);
    }
    for (const param of statement.params)
      if (!known.has(param))
        throw new StatementError(
          `${where}:${param} is not a parameter of this write (it has ${[...known].map((p) => `:${p}`).join(', ')})`,
        );
    for (const needed of scope)
      if (!statement.params.includes(needed))
        throw new StatementError(`${where}must name :${needed}, so it changes only that ${needed}'s rows`);
    for (const column of statement.returns) {
      if (offered.includes(column))
        throw new StatementError(`${where}returning ${column}: that is already a parameter's name; name it otherwise (as …)`);
      known.add(column);
    }
    return statement;
  });
}

/**
 * Runs the statements in `trx`, in order. The first must change one row (the record the write is
 * about) or none: none answers false and runs nothing else; more than one throws, and the caller's
 * transaction rolls back.
 */
export async function runWrite(
  trx: Knex | Knex.Transaction,
  statements: readonly Statement[],
  params: Record<string, unknown>,
): Promise<boolean> {
  return (await runWriteValues(trx, statements, params)) !== null;
}

/** runWrite, answering the parameters with the columns the statements returned (a new row's key), or null. */
export async function runWriteValues(
  trx: Knex | Knex.Transaction,
  statements: readonly Statement[],
  params: Record<string, unknown>,
): Promise<Record<string, unknown> | null> {
  const values: Record<string, unknown> = { ...params };
  for (const [index, statement] of statements.entries()) {
    const result = (await trx.raw(statement.sql, statement.params.map((name) => values[name] ?? null) as Knex.RawBinding[])) as {
      rowCount: number | null;
      rows: Array<Record<string, unknown>>;
    };
    if (index === 0) {
      if (result.rowCount === 0) return null;
      if ((result.rowCount ?? 0) > 1)
        throw new Error(`the binding's write changed ${result.rowCount} rows where it may change one: nothing is kept`);
    }
    for (const column of statement.returns) values[column] = result.rows[0]?.[column] ?? null;
  }
  return values;
}
