// Everything recognition needs to know about each host table, computed once: its name words, the
// roles of its columns, its links to other tables (declared foreign keys, and links a column name
// implies when the host never declared them), and its shape (dictionary, link table).
import type { CatalogTable } from '../catalog/types.ts';
import { compareText } from '../catalog/read-catalog.ts';
import { columnRoles, hasRole, type RoleMap } from './column-roles.ts';
import { learnedApplies, type LearnedFrom, taggedSet } from './learned.ts';
import { coreTokens, detectTablePrefix, tokenize } from './names.ts';
import { TABLE_WORDS } from './vocabulary.ts';

interface Link {
  from: string;
  to: string;
  columns: string[];
  /** Declared as a foreign key, or only implied by a column name such as fk_propal or kunde_id. */
  declared: boolean;
  /** Constraint name when declared. */
  constraint: string | null;
}

interface PolymorphicPair {
  typeColumn: string;
  idColumn: string;
}

export interface TableProfile {
  table: CatalogTable;
  qualified: string;
  /** Name words without the schema-wide prefix. */
  tokens: string[];
  roles: RoleMap;
  outgoing: Link[];
  incoming: Link[];
  polymorphic: PolymorphicPair[];
  /** A small code/label table with no links out: a dictionary of types or statuses. */
  lookupShaped: boolean;
  /** Mostly foreign keys and little else: joins two other tables. */
  linkShaped: boolean;
}

interface TenantColumn {
  column: string;
  /** How many host tables carry it, out of how many base tables. */
  tables: number;
  of: number;
  /** The tenant table it points to, when declared or implied by name. */
  table: string | null;
}

export interface SchemaModel {
  prefix: string | null;
  profiles: TableProfile[];
  byName: ReadonlyMap<string, TableProfile>;
  tenant: TenantColumn | null;
}

export const STAFF_TABLE_WORDS = new Set(['user', 'staff', 'employee', 'benutzer', 'utilisateur', 'usuario', 'mitarbeiter']);

const ALL_CONCEPT_WORDS = new Set(Object.values(TABLE_WORDS).flatMap((m) => [...m.keys()]));

export function buildSchemaModel(tables: CatalogTable[]): SchemaModel {
  const prefix = detectTablePrefix(
    tables.map((t) => t.name),
    ALL_CONCEPT_WORDS,
  );
  const profiles: TableProfile[] = tables.map((table) => ({
    table,
    qualified: table.qualified,
    tokens: coreTokens(table.name, prefix),
    roles: columnRoles(table.columns),
    outgoing: [],
    incoming: [],
    polymorphic: findPolymorphicPairs(table),
    lookupShaped: false,
    linkShaped: false,
  }));
  const byName = new Map(profiles.map((p) => [p.qualified, p]));

  addDeclaredLinks(profiles, byName);
  addImpliedLinks(profiles);
  for (const profile of profiles) {
    for (const link of profile.outgoing) byName.get(link.to)?.incoming.push(link);
  }
  const tenant = detectTenantColumn(profiles);
  for (const profile of profiles) {
    profile.lookupShaped = isLookupShaped(profile, tenant);
    profile.linkShaped = isLinkShaped(profile, tenant);
  }
  return { prefix, profiles, byName, tenant };
}

function addDeclaredLinks(profiles: TableProfile[], byName: ReadonlyMap<string, TableProfile>): void {
  for (const profile of profiles) {
    for (const fk of profile.table.foreignKeys) {
      if (!byName.has(fk.references)) continue;
      profile.outgoing.push({ from: profile.qualified, to: fk.references, columns: fk.columns, declared: true, constraint: fk.name });
    }
  }
}

/**
 * Many CRMs never declare their foreign keys. A numeric or uuid column named like a key to another
 * table (fk_propal, kunde_id, socid), or named exactly like that table (entity), is taken as a link
 * to it, marked as implied. A yes/no flag is never a link, whatever it is called (tva_assuj,
 * is_internal_customer): the column must have a key's shape and a key's type, and the target a
 * primary key of the same kind. Some ORMs key every table by a short generated string (17 or 36
 * characters): such a column links only when it is named like a key (account_id) and its type is
 * exactly that of the target's declared primary key. A table's own key is not a link, and nothing
 * is implied across schemas.
 */
// What makes an implied link was tightened while reading Alga PSA's and Dolibarr's real schemas
// (74e98655: key shapes and types, a table's own key, exact names; 990b0622: targets without a
// primary key): with either left out, a numeric or uuid column named after a table links, as before.
const KEY_SHAPES: readonly LearnedFrom[] = ['alga-psa', 'dolibarr'];

function addImpliedLinks(profiles: TableProfile[]): void {
  const byCore = new Map<string, TableProfile[]>();
  for (const p of profiles) {
    for (const key of [p.tokens.join('_'), p.tokens.join('')]) {
      const list = byCore.get(key) ?? [];
      if (!list.includes(p)) list.push(p);
      byCore.set(key, list);
    }
  }
  const byKeyName = tablesByKeyName(profiles);
  const byDeclaredName = declaredTargetsByColumn(profiles);
  for (const profile of profiles) {
    const declared = new Set(profile.outgoing.flatMap((l) => l.columns));
    const ownKey = ownKeyColumns(profile.table);
    const wholeKey = profile.table.primaryKey.length === 1 ? profile.table.primaryKey[0] : undefined;
    for (const column of profile.table.columns) {
      if (declared.has(column.name) || !keyKind(column)) continue;
      const target = ownKey.has(column.name) && learnedApplies(KEY_SHAPES) ? null : impliedTarget(column, byCore, profile);
      // Keys named after what they number: FrontAccounting (d608e798); a name declared elsewhere:
      // Dolibarr's llx_ticket.fk_soc (20074013).
      const named =
        target ??
        (column.name === wholeKey
          ? null
          : ((learnedApplies('frontaccounting') ? namedLikeKeyOf(column, byKeyName, profile) : null) ??
            (learnedApplies('dolibarr') ? declaredElsewhere(column, byDeclaredName, profile) : null)));
      if (!named) continue;
      profile.outgoing.push({ from: profile.qualified, to: named.qualified, columns: [column.name], declared: false, constraint: null });
    }
  }
}

/**
 * The one table each key-shaped column name points at wherever the schema declares it (fk_soc →
 * llx_societe on every table that declares a key for it); null where the name points at several.
 */
function declaredTargetsByColumn(profiles: TableProfile[]): Map<string, TableProfile | null> {
  const byName = new Map<string, TableProfile | null>();
  const byQualified = new Map(profiles.map((p) => [p.qualified, p]));
  for (const profile of profiles) {
    for (const link of profile.outgoing) {
      const [name, more] = link.columns;
      const target = byQualified.get(link.to);
      if (!name || more !== undefined || !link.declared || !target || target === profile) continue;
      const known = byName.get(name);
      if (known === undefined) byName.set(name, target);
      else if (known !== target) byName.set(name, null);
    }
  }
  return byName;
}

/**
 * A schema names its keys alike: a key-shaped column (fk_soc, client_id) left undeclared on one
 * table points where every declared key of that name points (llx_ticket.fk_soc → llx_societe, as
 * llx_propal.fk_soc is declared).
 */
function declaredElsewhere(
  column: CatalogTable['columns'][number],
  byDeclaredName: ReadonlyMap<string, TableProfile | null>,
  self: TableProfile,
): TableProfile | null {
  const words = tokenize(column.name);
  if (words.length < 2 || !(words[0] === 'fk' || words[words.length - 1] === 'id')) return null;
  const target = byDeclaredName.get(column.name);
  if (!target || target === self || target.table.schema !== self.table.schema) return null;
  return keyMatches(target.table, keyKind(column)) ? target : null;
}

/**
 * Tables by the name of their one-column primary key, where it says what it numbers (debtor_no,
 * order_no, branch_code): a generic key (id, rowid, code) numbers nothing in particular, and a
 * name two tables key by belongs to neither.
 */
function tablesByKeyName(profiles: TableProfile[]): Map<string, TableProfile | null> {
  const byKey = new Map<string, TableProfile | null>();
  for (const profile of profiles) {
    const [key, more] = profile.table.primaryKey;
    if (!key || more !== undefined || tokenize(key).length < 2) continue;
    byKey.set(key, byKey.has(key) ? null : profile);
  }
  return byKey;
}

/**
 * A column named exactly like another table's own key (debtor_trans.debtor_no → debtors_master,
 * keyed by debtor_no) refers to it, as schemas that name their keys after what they number do,
 * even inside a compound key of their own (a customer's branch keyed by branch_code and debtor_no).
 */
function namedLikeKeyOf(
  column: CatalogTable['columns'][number],
  byKeyName: ReadonlyMap<string, TableProfile | null>,
  self: TableProfile,
): TableProfile | null {
  const target = byKeyName.get(column.name);
  if (!target || target === self || target.table.schema !== self.table.schema) return null;
  return keyMatches(target.table, keyKind(column)) ? target : null;
}

/** A generated string key: fixed and short ('character varying(17)', 'character(36)'), never free text. */
const STRING_KEY_TYPE = /^(character varying|character)\((\d+)\)$/;
const STRING_KEY_MAX_LENGTH = 64;

type KeyKind = 'number' | 'uuid' | `string ${string}`;

/**
 * 'number' for integer keys, 'uuid' for uuid keys, 'string <type>' for short generated string keys;
 * null for anything that cannot hold a key (flags, amounts, free text).
 */
function keyKind(column: CatalogTable['columns'][number]): KeyKind | null {
  if (column.baseType === 'uuid') return 'uuid';
  if (['int4', 'int8', 'numeric'].includes(column.baseType) && !/^numeric\(\d+,\s*[1-9]/.test(column.type)) return 'number';
  // Any number, flags and amounts too, before the key shapes were learned (74e98655).
  if (column.category === 'N' && !learnedApplies(KEY_SHAPES)) return 'number';
  // Generated string keys: learned on EspoCRM (876c9718).
  const text = STRING_KEY_TYPE.exec(column.type);
  if (text && Number(text[2]) <= STRING_KEY_MAX_LENGTH && learnedApplies('espocrm')) return `string ${column.type}`;
  return null;
}

/** The primary-key columns that identify the row itself: not a link (a composite key of links is). */
function ownKeyColumns(table: CatalogTable): Set<string> {
  const linked = new Set(table.foreignKeys.flatMap((fk) => fk.columns));
  return new Set(table.primaryKey.filter((c) => !linked.has(c)));
}

function impliedTarget(
  column: CatalogTable['columns'][number],
  byCore: ReadonlyMap<string, TableProfile[]>,
  self: TableProfile,
): TableProfile | null {
  const tokens = tokenize(column.name);
  let stem: string[];
  // Only a key's shape: fk_x, x_id, id_x, xid; or the exact name of a table.
  let exactOnly = false;
  if (tokens[0] === 'fk' && tokens.length > 1) stem = tokens.slice(1);
  else if (tokens.length > 1 && tokens[tokens.length - 1] === 'id') stem = tokens.slice(0, -1);
  else if (tokens[0] === 'id' && tokens.length > 1) stem = tokens.slice(1);
  else if (tokens.length === 1 && /^[a-z]{3,}id$/.test(tokens[0] ?? '')) stem = [(tokens[0] ?? '').slice(0, -2)];
  else {
    stem = tokens; // a column named exactly like a table: 'entity', 'tenant', 'mandant'
    exactOnly = true;
  }
  const keys = (
    exactOnly && learnedApplies(KEY_SHAPES)
      ? [stem.join('_'), stem.join('')]
      : [stem.join('_'), stem.join(''), stem[0] ?? '', stem[stem.length - 1] ?? '']
  ).filter((k) => k.length >= 3);
  // created_by_id, modified_by, sent_by_id: whoever did it is a user (EspoCRM, 876c9718).
  if (!exactOnly && stem.length > 1 && stem[stem.length - 1] === 'by' && learnedApplies('espocrm')) keys.push('user');
  const kind = keyKind(column);
  // A short string named exactly like a table (a country code, a type) is a value, not a key.
  if (exactOnly && kind?.startsWith('string ')) return null;
  for (const key of keys) {
    const found = (byCore.get(key) ?? []).filter((p) => p !== self && p.table.schema === self.table.schema && keyMatches(p.table, kind));
    if (found.length === 1) return found[0] ?? null;
  }
  return null;
}

/** The target has a primary key of the column's kind (its last column: (tenant, id) keys end with the id). */
function keyMatches(table: CatalogTable, kind: KeyKind | null): boolean {
  if (!kind) return false;
  if (!learnedApplies(KEY_SHAPES) && !kind.startsWith('string ')) return true;
  // Without a declared primary key there is nothing to compare with: the name decides, for
  // numbers and uuids; a string is a key only next to a string primary key of its exact type.
  const last = table.primaryKey[table.primaryKey.length - 1];
  if (!last) return !kind.startsWith('string ');
  const column = table.columns.find((c) => c.name === last);
  return Boolean(column && keyKind(column) === kind);
}

/** element_type + element_id, objekt_typ + objekt_id, elementtype + fk_element: one row points at any record. */
function findPolymorphicPairs(table: CatalogTable): PolymorphicPair[] {
  const pairs: PolymorphicPair[] = [];
  const names = table.columns.map((c) => c.name);
  for (const column of table.columns) {
    if (column.category !== 'S') continue;
    const tokens = tokenize(column.name);
    const last = tokens[tokens.length - 1] ?? '';
    let stem: string[] | null = null;
    if (['type', 'typ', 'kind', 'class', 'model'].includes(last) && tokens.length > 1) stem = tokens.slice(0, -1);
    else if (tokens.length === 1 && /^[a-z]{3,}type$/.test(last)) stem = [last.slice(0, -4)];
    if (!stem) continue;
    const s = stem.join('_');
    const idColumn = names.find((n) => {
      if (n === column.name) return false;
      const t = tokenize(n).join('_');
      return t === `${s}_id` || t === `fk_${s}` || t === `${stem?.join('')}id`;
    });
    if (idColumn) pairs.push({ typeColumn: column.name, idColumn });
  }
  if (pairs.length > 0) return pairs;
  // model + res_id (Odoo), module_name + item_id (SuiteCRM's tracker): a column naming the kind of
  // record next to a generic record id.
  const idColumn = names.find((n) => GENERIC_RECORD_IDS.has(tokenize(n).join('_')));
  const typeColumn = table.columns.find(
    (c) => c.category === 'S' && c.name !== idColumn && tokenize(c.name).some((t) => RECORD_KIND_WORDS.has(t)),
  );
  if (idColumn && typeColumn) pairs.push({ typeColumn: typeColumn.name, idColumn });
  if (pairs.length > 0 || !learnedApplies('frontaccounting')) return pairs;
  // A kind and a transaction number: learned on FrontAccounting (d608e798).
  const numbered = transactionNumberPair(table);
  if (numbered) pairs.push(numbered);
  return pairs;
}

/** Words of a generic record number: trans_no, record_no, doc_no, transaction_id. */
const RECORD_NUMBER_WORDS = new Set(['trans', 'transaction', 'record', 'doc', 'document', 'entry', 'voucher']);

/**
 * A kind of transaction and its number (type + trans_no, type_no + trans_no, type + id): ERPs that
 * number every kind of transaction apart (an invoice 10/17, a payment 12/17) point at any of them
 * by the two, the kind an integer code. Where the two are the table's own key, the rows are those
 * transactions themselves (a journal entry per transaction), not about another record.
 */
function transactionNumberPair(table: CatalogTable): PolymorphicPair | null {
  const typeColumn = table.columns.find((c) => {
    const words = tokenize(c.name);
    return (
      (c.category === 'N' || c.category === 'S') && words[0] === 'type' && (words.length === 1 || (words.length === 2 && words[1] === 'no'))
    );
  });
  if (!typeColumn) return null;
  const ownKey = new Set(table.primaryKey);
  const idColumn = table.columns.find((c) => {
    if (c === typeColumn || c.category !== 'N') return false;
    const words = tokenize(c.name);
    if (words.length === 1) return words[0] === 'id' && !ownKey.has(c.name);
    return words.length === 2 && RECORD_NUMBER_WORDS.has(words[0] ?? '') && ['no', 'nr', 'id', 'num'].includes(words[1] ?? '');
  });
  if (!idColumn) return null;
  if (ownKey.has(typeColumn.name) && ownKey.has(idColumn.name)) return null;
  return { typeColumn: typeColumn.name, idColumn: idColumn.name };
}

const GENERIC_RECORD_IDS = new Set(['res_id', 'item_id', 'record_id', 'object_id', 'entity_id', 'target_id', 'resource_id', 'subject_id']);
// table_name + record_id: an audit trigger's row, about a row of any table.
// table_name + record_id, an audit trigger's row: learned on Alga PSA (74e98655).
const RECORD_KIND_WORDS = taggedSet(['model', 'module', 'object', 'entity', 'resource', 'subject', 'target'], { 'alga-psa': ['table'] });

/**
 * The tenant column: one column name, tenant-like in meaning, carried by a large part of the
 * schema (workspace_id, tenant, entity, mandant_id), or the column that most tables use to point at
 * the same table.
 */
function detectTenantColumn(profiles: TableProfile[]): TenantColumn | null {
  const base = profiles.filter((p) => p.table.kind === 'table' || p.table.kind === 'partitioned table');
  if (base.length === 0) return null;
  const counts = new Map<string, number>();
  const targets = new Map<string, Map<string, number>>();
  for (const p of base) {
    for (const c of p.table.columns) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    // Only single-column links name the tenant table: in a composite key (tenant, kunde_id) the
    // tenant column rides along to the customer table.
    for (const link of p.outgoing) {
      const [column] = link.columns;
      if (link.columns.length !== 1 || !column) continue;
      const perTarget = targets.get(column) ?? new Map<string, number>();
      perTarget.set(link.to, (perTarget.get(link.to) ?? 0) + 1);
      targets.set(column, perTarget);
    }
  }
  const TENANT_WORDS = new Set([
    'workspace',
    'tenant',
    'entity',
    'mandant',
    'mandator',
    'agency',
    'realm',
    'organization',
    'organisation',
    'org',
    'instance',
    'site',
  ]);
  // 'company' is a tenant only where the staff belong to it (Odoo's res_users.company_id); in most
  // CRMs a company_id on records names the client company.
  const WEAK_TENANT_WORDS = new Set(['company', 'firm', 'societe']);
  const staffCarries = (column: string, target: string | undefined): boolean =>
    target !== undefined &&
    base.some(
      (p) =>
        p.tokens.some((t) => STAFF_TABLE_WORDS.has(t)) &&
        p.outgoing.some((l) => l.to === target && l.columns.length === 1 && l.columns[0] === column),
    );
  const minimum = Math.max(2, Math.ceil(base.length * 0.3));
  let best: TenantColumn | null = null;
  for (const [column, count] of [...counts.entries()].sort(([a], [b]) => compareText(a, b))) {
    const words = tokenize(column);
    const target = [...(targets.get(column)?.entries() ?? [])].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0];
    const strong = words.some((w) => TENANT_WORDS.has(w));
    const weak = words.some((w) => WEAK_TENANT_WORDS.has(w)) && staffCarries(column, target?.[0]);
    // Fewer tables may carry it where the company is the issuer of the records that name a client
    // apart: the agency's own company (a party itself) on its sales and invoices, not the client.
    // Learned on Tryton (7877a257).
    if (count < minimum && !(weak && learnedApplies('tryton') && issuerOfClientRecords(base, column, target?.[0]))) continue;
    if (!strong && !weak) continue;
    if (!best || count > best.tables) best = { column, tables: count, of: base.length, table: target?.[0] ?? null };
  }
  return best;
}

/**
 * The company a column names issues the records that carry it: the company table links to a party
 * table, and at least two of the tables carrying the column link to that same party table through
 * another column (a sale's customer, an invoice's party). The company is then one party among the
 * others, the agency's own, and the other link names the client.
 */
function issuerOfClientRecords(base: TableProfile[], column: string, target: string | undefined): boolean {
  if (!target) return false;
  const company = base.find((p) => p.qualified === target);
  const parties = new Set(company?.outgoing.filter((l) => l.to !== target).map((l) => l.to) ?? []);
  if (parties.size === 0) return false;
  const carriers = base.filter(
    (p) =>
      p.qualified !== target &&
      p.outgoing.some((l) => l.to === target && l.columns.length === 1 && l.columns[0] === column) &&
      p.outgoing.some((l) => parties.has(l.to) && !l.columns.includes(column)),
  );
  return carriers.length >= 2;
}

function payloadColumns(profile: TableProfile, tenant: TenantColumn | null): string[] {
  const linked = new Set(profile.outgoing.flatMap((l) => l.columns));
  const pk = new Set(profile.table.primaryKey);
  return profile.table.columns
    .filter((c) => !linked.has(c.name) && !pk.has(c.name) && c.name !== tenant?.column && c.category !== 'D')
    .map((c) => c.name);
}

function distinctTargets(profile: TableProfile, tenant: TenantColumn | null): Set<string> {
  return new Set(profile.outgoing.filter((l) => l.to !== tenant?.table && l.to !== profile.qualified).map((l) => l.to));
}

// A dictionary: codes and labels, no dates, nothing about a party or money, no links out.
const NOT_IN_A_DICTIONARY = ['email', 'password', 'amount', 'fileContent', 'address', 'phone', 'personName', 'timestamp'] as const;

function isLookupShaped(profile: TableProfile, tenant: TenantColumn | null): boolean {
  const r = profile.roles;
  return (
    profile.table.columns.length <= 9 &&
    (hasRole(r, 'code') || hasRole(r, 'label')) &&
    NOT_IN_A_DICTIONARY.every((role) => !hasRole(r, role)) &&
    distinctTargets(profile, tenant).size === 0
  );
}

// Joins two tables and carries at most a couple of values (an amount, a type): not a record of its own.
function isLinkShaped(profile: TableProfile, tenant: TenantColumn | null): boolean {
  if (distinctTargets(profile, tenant).size < 2) return false;
  const payload = new Set(payloadColumns(profile, tenant));
  const describes = (['title', 'name', 'body', 'fileName'] as const).some((role) =>
    (profile.roles.get(role) ?? []).some((c) => payload.has(c.name)),
  );
  return payload.size <= 2 && !describes;
}
