// The custom domains' SQL. A workspace's domains are read and changed by workspace; the claim of a
// host name (portal_custom_domain_hosts) is read by the name alone, the one question asked before
// any workspace is known (and, for the claims of the names a page lists, by those names). Both
// tables change together, in the caller's transaction.
import type { Knex } from 'knex';

/** `superseded`: another workspace proved the name's TXT record while this one's claim was unverified. */
export type DomainStatus = 'pending' | 'verified' | 'failed' | 'superseded';

/** Which workspace holds a name, and whether it proved it. */
export interface ClaimRow {
  hostname: string;
  workspace_id: string;
  verified: boolean;
}

export interface CustomDomainRow {
  workspace_id: string;
  hostname: string;
  token: string;
  status: DomainStatus;
  created_at: Date;
  checked_at: Date | null;
  check_result: string | null;
  verified_at: Date | null;
}

const COLUMNS = ['workspace_id', 'hostname', 'token', 'status', 'created_at', 'checked_at', 'check_result', 'verified_at'] as const;

export function listDomains(db: Knex | Knex.Transaction, workspaceId: string): Promise<CustomDomainRow[]> {
  return db<CustomDomainRow>('portal_custom_domains')
    .where({ workspace_id: workspaceId })
    .orderBy('created_at', 'asc')
    .orderBy('hostname', 'asc')
    .select(...COLUMNS);
}

export async function findDomain(db: Knex | Knex.Transaction, workspaceId: string, hostname: string): Promise<CustomDomainRow | null> {
  const row = await db<CustomDomainRow>('portal_custom_domains')
    .where({ workspace_id: workspaceId, hostname })
    .first(...COLUMNS);
  return row ?? null;
}

/** The workspace a verified host name is served as, or null (unknown, or not verified yet). */
export async function verifiedHostOwner(db: Knex, hostname: string): Promise<string | null> {
  const row = await db('portal_custom_domain_hosts').where({ hostname, verified: true }).first('workspace_id');
  return (row?.workspace_id as string | undefined) ?? null;
}

/** The workspace's verified domains, the first verified first (the one links in emails use). */
export async function verifiedHostnames(db: Knex, workspaceId: string): Promise<string[]> {
  const rows = await db('portal_custom_domains')
    .where({ workspace_id: workspaceId, status: 'verified' })
    .orderBy('verified_at', 'asc')
    .orderBy('hostname', 'asc')
    .select('hostname');
  return rows.map((row: { hostname: string }) => row.hostname);
}

/** The claim of a name, locked until the caller's transaction ends (an add or a check decides on it). */
export async function findClaimForUpdate(trx: Knex.Transaction, hostname: string): Promise<ClaimRow | null> {
  const row = await trx<ClaimRow>('portal_custom_domain_hosts')
    .where({ hostname })
    .forUpdate()
    .first('hostname', 'workspace_id', 'verified');
  return row ?? null;
}

/** The claims of the names a workspace's page lists, whoever holds them. */
export function claimsOf(db: Knex, hostnames: readonly string[]): Promise<ClaimRow[]> {
  if (hostnames.length === 0) return Promise.resolve([]);
  return db<ClaimRow>('portal_custom_domain_hosts').whereIn('hostname', hostnames).select('hostname', 'workspace_id', 'verified');
}

/** Claims a name no workspace holds; false (nothing written) when another claimed it meanwhile. */
export async function insertClaim(trx: Knex.Transaction, hostname: string, workspaceId: string): Promise<boolean> {
  const claimed = await trx('portal_custom_domain_hosts')
    .insert({ hostname, workspace_id: workspaceId, verified: false })
    .onConflict('hostname')
    .ignore()
    .returning('hostname');
  return claimed.length === 1;
}

/** Hands an unverified claim to another workspace; false when it is no longer `from`'s or was proved. */
export async function moveUnverifiedClaim(trx: Knex.Transaction, hostname: string, from: string, to: string): Promise<boolean> {
  const moved = await trx('portal_custom_domain_hosts')
    .where({ hostname, workspace_id: from, verified: false })
    .update({ workspace_id: to });
  return moved === 1;
}

/**
 * The name for the workspace that proved it: made, kept, or taken from an unverified claim, never
 * from another workspace's verified one (then false, nothing written). One statement, so of two
 * workspaces proving the same name at once exactly one holds it.
 */
export async function takeVerifiedClaim(trx: Knex.Transaction, hostname: string, workspaceId: string): Promise<boolean> {
  const result = await trx.raw(
    `insert into portal_custom_domain_hosts (hostname, workspace_id, verified) values (?, ?, true)
     on conflict (hostname) do update set workspace_id = excluded.workspace_id, verified = true
       where portal_custom_domain_hosts.verified = false or portal_custom_domain_hosts.workspace_id = excluded.workspace_id
     returning hostname`,
    [hostname, workspaceId],
  );
  return (result.rows as unknown[]).length === 1;
}

/** A workspace's domain as it is added; whether it holds the name is the claim's to say. */
export async function insertDomain(
  trx: Knex.Transaction,
  row: { workspace_id: string; hostname: string; token: string; created_by_staff_id: string },
): Promise<void> {
  await trx('portal_custom_domains').insert({ ...row, status: 'pending' });
}

/** The domain of a workspace whose unverified claim another workspace's proof took. */
export async function markSuperseded(trx: Knex.Transaction, workspaceId: string, hostname: string): Promise<void> {
  await trx('portal_custom_domains')
    .where({ workspace_id: workspaceId, hostname })
    .whereNot({ status: 'verified' })
    .update({ status: 'superseded' });
}

/** What a check found; the claim follows, so the Host lookup serves the name exactly while it is verified. */
export async function recordCheck(
  trx: Knex.Transaction,
  workspaceId: string,
  hostname: string,
  check: { status: DomainStatus; result: string; at: Date },
): Promise<void> {
  const verified = check.status === 'verified';
  await trx('portal_custom_domains')
    .where({ workspace_id: workspaceId, hostname })
    .update({
      status: check.status,
      check_result: check.result,
      checked_at: check.at,
      // The first success is kept; a later failure clears it, as the domain is no longer served.
      verified_at: verified ? trx.raw('coalesce(verified_at, ?)', [check.at]) : null,
    });
  await trx('portal_custom_domain_hosts').where({ hostname, workspace_id: workspaceId }).update({ verified });
}

export async function deleteDomain(trx: Knex.Transaction, workspaceId: string, hostname: string): Promise<boolean> {
  const removed = await trx('portal_custom_domains').where({ workspace_id: workspaceId, hostname }).delete();
  await trx('portal_custom_domain_hosts').where({ hostname, workspace_id: workspaceId }).delete();
  return removed > 0;
}
