// The few reads of host DATA the audit makes, all bounded and all inside the read-only
// transaction: whether a password-like column really holds password hashes (and which formats),
// and which values a free-text status column takes, and how many rows of a client record actually
// use their key to the client. A table the role may not read is noted, not fatal. Nothing here
// returns a value that could identify a person: only counts and status words.
import type { ReadOnlySession } from '../catalog/read-only-session.ts';
import type { CatalogColumn } from '../catalog/types.ts';
import { hasRole } from '../recognition/column-roles.ts';
import { tokenize } from '../recognition/names.ts';
import type { SchemaModel, TableProfile } from '../recognition/schema-model.ts';
import type { TableConceptResult } from '../recognition/score-tables.ts';
import { undeclaredKind } from '../recognition/section-concepts.ts';
import type { TableConceptId } from '../recognition/vocabulary.ts';
import { KEYED_RECORDS, type KeyUse, keyUseKey } from './client-keys.ts';
import { sharedMessageColumns, ticketWord } from './ticket-messages.ts';

export interface HashSample {
  /** Rows looked at (at most SAMPLE_ROWS) and how many had a value. */
  rows: number;
  filled: number;
  /** Count per recognised format: argon2, bcrypt, sha-crypt, pbkdf2, md5-hex, sha-hex. */
  formats: Record<string, number>;
  /**
   * Values in no hash format that look like ciphertext (Fernet tokens, long base64, enc:-prefixed):
   * a secret kept to be decrypted again, not a password hash. Absent on older samples.
   */
  ciphertext?: number;
}

export interface Samples {
  /** Keyed 'schema.table.column'; null when the role could not read the table. */
  hashes: Map<string, HashSample | null>;
  statusValues: Map<string, string[] | null>;
  /**
   * Distinct values (at most 25) of a type/role/kind column on a table with sign-in columns, keyed
   * 'schema.table.column': the words that tell staff from client users (staff, portal, customer).
   */
  kindValues: Map<string, string[] | null>;
  /**
   * Distinct values (at most 25) naming the ticket of a kind column on a shared table of events of
   * any record, keyed 'schema.table.column': which kind of row is a ticket's message (TICKET_MSG).
   * Absent where no ticket table was found.
   */
  ticketMessageKinds?: Map<string, string[] | null>;
  /**
   * Distinct values (at most 50) of the kind column of the table chosen for bookings when the
   * schema declares none (a shared agenda: meetings, calls, e-mails), keyed 'schema.table.column':
   * which kind is an appointment (Dolibarr's AC_RDV). Codes only, never an event's text.
   */
  appointmentKinds?: Map<string, string[] | null>;
  /**
   * Keyed by keyUseKey: for each key of a chosen client record to the chosen client tables, how
   * many sampled rows hold a value found in the client table. Absent where nothing was sampled.
   */
  keyUse?: Map<string, KeyUse | null>;
}

const SAMPLE_ROWS = 10000;

const HASH_PATTERNS: Array<[string, string]> = [
  ['argon2', '^\\$argon2(id|i|d)\\$'],
  ['bcrypt', '^\\$2[abxy]?\\$'],
  ['sha-crypt', '^\\$(5|6)\\$'],
  ['pbkdf2', '^(\\$pbkdf2|pbkdf2)'],
  ['md5-hex', '^[0-9a-fA-F]{32}$'],
  ['sha-hex', '^([0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128})$'],
  ['phpass', '^\\$[PHS]\\$'],
  ['md5-crypt', '^\\$1\\$'],
  ['ldap-sha', '^\\{S?SHA(256|512)?\\}'],
  ['scrypt', '^(\\$scrypt\\$|\\$7\\$|\\$y\\$)'],
];

// Reversible: a Fernet token, a prefixed envelope, or long base64 that matched no hash format.
const CIPHERTEXT_PATTERN = '^(gAAAAA|(enc|ENC|aes|AES|vault|v[0-9]):|[A-Za-z0-9+/_-]{16,}={0,2}$)';

export const key = (table: string, column: string): string => `${table}.${column}`;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function from(profile: TableProfile): string {
  return `${quoteIdent(profile.table.schema)}.${quoteIdent(profile.table.name)}`;
}

/** Password-like columns next to an email or login: the only credential candidates worth sampling. */
export function credentialColumns(model: SchemaModel): Array<{ profile: TableProfile; column: CatalogColumn }> {
  return model.profiles.flatMap((profile) =>
    hasRole(profile.roles, 'email') || hasRole(profile.roles, 'login')
      ? (profile.roles.get('password') ?? []).map((column) => ({ profile, column }))
      : [],
  );
}

const STATUS_SAMPLED: TableConceptId[] = ['proposal', 'quotation', 'invoice', 'task'];

export async function takeSamples(
  session: ReadOnlySession,
  model: SchemaModel,
  tables: ReadonlyMap<TableConceptId, TableConceptResult>,
): Promise<Samples> {
  const samples: Samples = { hashes: new Map(), statusValues: new Map(), kindValues: new Map(), ticketMessageKinds: new Map() };

  for (const { profile, column } of credentialColumns(model)) {
    const col = quoteIdent(column.name);
    const counts = HASH_PATTERNS.map(([name, pattern]) => `count(*) filter (where v ~ '${pattern}')::int as ${quoteIdent(name)}`).join(
      ', ',
    );
    const noHash = HASH_PATTERNS.map(([, pattern]) => `v !~ '${pattern}'`).join(' and ');
    const rows = await session.tryQuery<Record<string, number>>(
      `select count(*)::int as rows, count(v)::int as filled, ${counts},
         count(*) filter (where ${noHash} and v !~ '^[0-9a-fA-F]+$' and v ~ '${CIPHERTEXT_PATTERN}')::int as ciphertext
       from (select ${col}::text as v from ${from(profile)} limit ${SAMPLE_ROWS}) s`,
    );
    const row = rows?.[0];
    samples.hashes.set(
      key(profile.qualified, column.name),
      row
        ? {
            rows: Number(row.rows ?? 0),
            filled: Number(row.filled ?? 0),
            formats: Object.fromEntries(HASH_PATTERNS.map(([name]) => [name, Number(row[name] ?? 0)]).filter(([, n]) => Number(n) > 0)),
            ciphertext: Number(row.ciphertext ?? 0),
          }
        : null,
    );
  }

  // Type/role columns of tables with sign-in columns: which kinds of user they hold.
  const credentialTables = new Map(credentialColumns(model).map(({ profile }) => [profile.qualified, profile]));
  for (const profile of credentialTables.values()) {
    for (const column of kindColumns(profile)) {
      if (column.enumLabels.length > 0 || checkValues(profile, column.name).length > 0) continue;
      const col = quoteIdent(column.name);
      const rows = await session.tryQuery<{ v: string }>(
        `select distinct v from (select ${col}::text as v from ${from(profile)} where ${col} is not null limit ${SAMPLE_ROWS}) s order by v limit 25`,
      );
      samples.kindValues.set(key(profile.qualified, column.name), rows ? rows.map((r) => r.v) : null);
    }
  }

  const seen = new Set<string>();
  for (const id of STATUS_SAMPLED) {
    const chosen = tables.get(id)?.chosen;
    const profile = chosen ? model.byName.get(chosen) : undefined;
    if (!profile || seen.has(profile.qualified)) continue;
    seen.add(profile.qualified);
    for (const column of profile.roles.get('status') ?? []) {
      // Labels the schema already states (check constraint, enum) need no sampling; codes mean little.
      if (column.category !== 'S' || column.enumLabels.length > 0 || checkValues(profile, column.name).length > 0) continue;
      const col = quoteIdent(column.name);
      const rows = await session.tryQuery<{ v: string }>(
        `select distinct v from (select ${col}::text as v from ${from(profile)} where ${col} is not null limit ${SAMPLE_ROWS}) s order by v limit 25`,
      );
      samples.statusValues.set(key(profile.qualified, column.name), rows ? rows.map((r) => r.v) : null);
    }
  }

  // Kinds of row naming the ticket, on shared tables of events: codes, never a message's text.
  const ticket = tables.get('ticket')?.chosen;
  const ticketProfile = ticket ? model.byName.get(ticket) : undefined;
  if (ticketProfile) {
    const word = ticketWord(ticketProfile).replace(/[^a-z0-9]/g, '');
    for (const { profile, column } of sharedMessageColumns(model, ticketProfile.qualified)) {
      const col = quoteIdent(column.name);
      const rows = await session.tryQuery<{ v: string }>(
        `select distinct v from (select ${col}::text as v from ${from(profile)} where ${col} ilike '%${word}%' limit ${SAMPLE_ROWS}) s order by v limit 25`,
      );
      samples.ticketMessageKinds?.set(key(profile.qualified, column.name), rows ? rows.map((r) => r.v) : null);
    }
  }

  // Kinds of event on a shared agenda chosen for the bookings: which code is an appointment.
  const booking = tables.get('booking')?.chosen;
  const bookingProfile = booking ? model.byName.get(booking) : undefined;
  const kind = bookingProfile ? undeclaredKind(bookingProfile) : null;
  if (bookingProfile && kind) {
    const col = quoteIdent(kind.name);
    const rows = await session.tryQuery<{ v: string }>(
      `select distinct v from (select ${col}::text as v from ${from(bookingProfile)} where ${col} is not null limit ${SAMPLE_ROWS}) s order by v limit 50`,
    );
    samples.appointmentKinds = new Map([[key(bookingProfile.qualified, kind.name), rows ? rows.map((r) => r.v) : null]]);
  }
  samples.keyUse = await sampleKeyUse(session, model, tables);
  return samples;
}

/**
 * References actually used: of at most SAMPLE_ROWS rows of each client record, how many fill a key
 * the schema does not declare (named and typed like the key of what the record hangs off) and how
 * many of those values are that table's keys. A declared key needs no sample. Counts only.
 */
async function sampleKeyUse(
  session: ReadOnlySession,
  model: SchemaModel,
  tables: ReadonlyMap<TableConceptId, TableConceptResult>,
): Promise<Map<string, KeyUse | null>> {
  const used = new Map<string, KeyUse | null>();
  for (const [record, parentIds] of KEYED_RECORDS) {
    const chosen = tables.get(record as TableConceptId)?.chosen;
    const profile = chosen ? model.byName.get(chosen) : undefined;
    const parents = new Set(parentIds.map((id) => tables.get(id as TableConceptId)?.chosen));
    for (const link of profile?.outgoing ?? []) {
      const [column, more] = link.columns;
      const target = model.byName.get(link.to);
      const targetKey = target?.table.primaryKey[target.table.primaryKey.length - 1];
      if (!profile || !column || more !== undefined || link.declared || !parents.has(link.to) || !target || !targetKey) continue;
      const sampled = keyUseKey(profile.qualified, column);
      if (used.has(sampled)) continue;
      const rows = await session.tryQuery<{ rows: number; filled: number; matched: number }>(
        `select count(*)::int as rows, count(s.k)::int as filled,
           count(*) filter (where s.k is not null and exists (select 1 from ${from(target)} c where c.${quoteIdent(targetKey)} = s.k))::int as matched
         from (select ${quoteIdent(column)} as k from ${from(profile)} limit ${SAMPLE_ROWS}) s`,
      );
      const row = rows?.[0];
      used.set(sampled, row ? { rows: Number(row.rows), filled: Number(row.filled), matched: Number(row.matched) } : null);
    }
  }
  return used;
}

const KIND_WORDS = new Set(['type', 'role', 'kind', 'category', 'usertype', 'profile', 'class', 'audience']);

/** Free-text columns that may say which kind of user a row is (user_type, role, account_kind). */
export function kindColumns(profile: TableProfile): CatalogColumn[] {
  return profile.table.columns.filter((c) => (c.category === 'S' || c.category === 'E') && tokenize(c.name).some((w) => KIND_WORDS.has(w)));
}

/**
 * The values a column comment lists, as ORMs and dump converters write a column's options:
 * 'regular, admin, portal' or 'State: draft, quotation, confirmed'. Empty when the comment is a
 * sentence rather than a list (one part, or parts longer than a few words).
 */
export function commentValues(comment: string | null): string[] {
  if (!comment) return [];
  const list = comment.replace(/^[^,:]{1,40}:\s*(?=[^,]*,)/, '');
  const parts = list
    .split(/\s*[,;|]\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2 || parts.some((p) => p.length > 40 || p.split(/\s+/).length > 4)) return [];
  return parts;
}

/** String literals allowed by a check constraint on the column: status in ('draft', 'sent', ...). */
export function checkValues(profile: TableProfile, column: string): string[] {
  const values: string[] = [];
  for (const check of profile.table.checks) {
    if (!(check.columns.includes(column) || check.definition.includes(column))) continue;
    for (const match of check.definition.matchAll(/'((?:[^']|'')*)'/g)) {
      const value = (match[1] ?? '').replace(/''/g, "'");
      if (!values.includes(value)) values.push(value);
    }
  }
  return values;
}
