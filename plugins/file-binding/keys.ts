// Record keys as the portal carries them (strings) and as the host's columns type them. An id that
// cannot be a key of its column ('abc' for a bigint, a malformed uuid) is "no such record" before
// any statement is sent: PostgreSQL would answer it with an error, and a text comparison would
// bypass the key's index.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

export type KeyKind = 'integer' | 'uuid' | 'text';

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id as the column takes it, or null when it cannot be one of its keys. */
export function parseKey(kind: KeyKind, id: unknown): string | null {
  if (typeof id !== 'string') return null;
  if (kind === 'integer') return /^[1-9][0-9]{0,18}$/.test(id) && BigInt(id) <= MAX_BIGINT ? id : null;
  if (kind === 'uuid') return UUID.test(id) ? id.toLowerCase() : null;
  return id.length > 0 && id.length <= 255 && id.trim() === id ? id : null;
}

/** The data type of each `table.column` (information_schema's `data_type`), in one query; absent when not found. */
export async function readColumnTypes(db: Knex, columns: Array<{ table: string; column: string }>): Promise<Map<string, string>> {
  const wanted = columns.map(({ table, column }) => {
    const [schema, name] = table.includes('.') ? (table.split('.') as [string, string]) : [null, table];
    return { schema, name, column };
  });
  const rows = (await db('information_schema.columns')
    .whereRaw('table_schema = any (current_schemas(false))')
    .whereIn('table_name', [...new Set(wanted.map((w) => w.name))])
    .select('table_schema', 'table_name', 'column_name', 'data_type')) as Array<{
    table_schema: string;
    table_name: string;
    column_name: string;
    data_type: string;
  }>;
  const types = new Map<string, string>();
  for (const [i, want] of wanted.entries()) {
    const row = rows.find(
      (r) => r.table_name === want.name && r.column_name === want.column && (want.schema === null || r.table_schema === want.schema),
    );
    const { table, column } = columns[i]!;
    if (row) types.set(`${table}.${column}`, row.data_type);
  }
  return types;
}

/** The kind of a key column of the given data type (see readColumnTypes). */
export function keyKindOf(dataType: string | undefined): KeyKind {
  return dataType === undefined ? 'text' : INTEGER_TYPES.has(dataType) ? 'integer' : dataType === 'uuid' ? 'uuid' : 'text';
}

/** How a port reads the portal's ids of a workspace, a client and a contact (null: cannot be one). */
export interface PersonKeys {
  workspace(id: string): string | null;
  client(id: string): string | null;
  contact(id: string): string | null;
}

/** A person's scope from the portal's ids as the host's columns take them, or null when any cannot be one. */
export function personScope(keys: PersonKeys, workspaceId: string, clientId: string, contactId: string) {
  const ws = keys.workspace(workspaceId);
  const client = keys.client(clientId);
  const contact = keys.contact(contactId);
  return ws === null || client === null || contact === null ? null : { ws, client, contact };
}

/**
 * A new row's key in the host's own form, for a write that inserts where the host has no sequence.
 * hex17 is EspoCRM's (Espo\Core\Utils\Util::generateId: PHP's uniqid(), the seconds and
 * microseconds in 8 + 5 hex digits, then 4 hex digits of an md5 of a random number): 17 lowercase
 * hex characters, in the order they were made.
 */
export function newKey(form: 'hex17' | 'uuid', now: number = Date.now()): string {
  if (form === 'uuid') return randomUUID();
  const micros = BigInt(Math.floor(now * 1000)) + BigInt(randomBytes(1)[0]! % 1000);
  const seconds = micros / 1_000_000n;
  const rest = micros % 1_000_000n;
  return `${seconds.toString(16).padStart(8, '0')}${rest.toString(16).padStart(5, '0')}${randomBytes(2).toString('hex')}`;
}
