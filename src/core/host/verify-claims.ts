// Before the portal starts, every claim the adapter makes about the host schema is checked against
// the catalog: a claimed table or column that is not there stops start-up with its name, instead
// of failing on a client's first request. A claim and its port must also come together.
import type { Knex } from 'knex';
import type { HostAdapter, HostClaim } from '../ports/host.ts';
import type { FeatureHostPort } from './feature-ports.ts';

export class HostClaimError extends Error {}

function splitTable(table: string): { schema: string; name: string } {
  const [first, second] = table.split('.');
  return second === undefined ? { schema: 'public', name: first! } : { schema: first!, name: second };
}

/** Column names per schema-qualified table ('public.llx_socpeople'), however they were read. */
export type SchemaColumns = ReadonlyMap<string, ReadonlySet<string>>;

export interface ClaimSchemaCheck {
  /** The claimed table, schema-qualified (an unqualified name means public). */
  table: string;
  /** 'schema.table' when the table is missing, else each missing 'schema.table.column'; empty when the claim holds. */
  missing: string[];
  /** One line naming what is missing, or null. */
  problem: string | null;
}

/**
 * One claim against the schema's columns. Pure, so start-up (reading information_schema) and the
 * audit (reading its pg_catalog snapshot) apply exactly the same rule and name the same
 * schema.table.column.
 */
export function checkClaimAgainstSchema(claim: HostClaim, columns: SchemaColumns): ClaimSchemaCheck {
  const { schema, name } = splitTable(claim.table);
  const table = `${schema}.${name}`;
  const found = columns.get(table);
  if (!found) return { table, missing: [table], problem: `table ${table} does not exist` };
  const named = [...new Set([...claim.columns, ...Object.keys(claim.where ?? {})])];
  const missing = named.filter((column) => !found.has(column)).map((column) => `${table}.${column}`);
  if (missing.length === 0) return { table, missing, problem: null };
  return { table, missing, problem: `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist` };
}

/**
 * Every claim of the adapter that the schema does not hold, every port it has without the claim
 * that goes with it (the core's and, from their manifests, the features': `featurePorts`), each as
 * a line for the start-up error.
 */
export async function findClaimProblems(db: Knex, adapter: HostAdapter, featurePorts: readonly FeatureHostPort[]): Promise<string[]> {
  const problems: string[] = [];
  const concepts = new Set(adapter.claims.map((claim) => claim.concept));
  if (concepts.has('clientCredentials') !== Boolean(adapter.credentials)) {
    problems.push(
      adapter.credentials
        ? 'the adapter has a credentials port but no clientCredentials claim saying where the host keeps passwords'
        : 'the adapter claims clientCredentials but has no credentials port',
    );
  }

  // A section read from the host names where: without its claim, nothing would check its tables
  // before the first client opens it.
  for (const { member, claim } of featurePorts) {
    if (claim && adapter[member] && !concepts.has(claim.concept))
      problems.push(`the adapter has the ${member} port but no ${claim.concept} claim saying where the host keeps ${claim.keeps ?? 'it'}`);
    if (claim?.onlyWithPort && !adapter[member] && concepts.has(claim.concept))
      problems.push(`the adapter claims ${claim.concept} but has no ${member} port`);
  }

  const tables = adapter.claims.map((claim) => splitTable(claim.table));
  const result = await db.raw(
    `select table_schema, table_name, column_name from information_schema.columns
      where (table_schema, table_name) in (select * from unnest(?::text[], ?::text[]))`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  const columns = new Map<string, Set<string>>();
  for (const row of result.rows as Array<{ table_schema: string; table_name: string; column_name: string }>) {
    const key = `${row.table_schema}.${row.table_name}`;
    if (!columns.has(key)) columns.set(key, new Set());
    columns.get(key)!.add(row.column_name);
  }
  for (const claim of adapter.claims) {
    const { problem } = checkClaimAgainstSchema(claim, columns);
    if (problem) problems.push(`${claim.concept}: ${problem}`);
  }
  return problems;
}

export async function verifyHostClaims(db: Knex, adapter: HostAdapter, featurePorts: readonly FeatureHostPort[]): Promise<void> {
  const problems = await findClaimProblems(db, adapter, featurePorts);
  if (problems.length) {
    throw new HostClaimError(
      `The ${adapter.name} adapter claims what the database does not have, so the portal will not start:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nRun `npm run audit` against this database and align the adapter claims with its report.',
    );
  }
}

/** The host concepts the portal must not duplicate in its own tables. */
export function hostProvides(adapter: HostAdapter): Set<string> {
  return new Set(adapter.claims.map((claim) => claim.concept));
}
