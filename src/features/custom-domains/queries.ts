// The custom domains' SQL. A workspace's domains are read and changed by workspace; the claim of a
// host name (portal_custom_domain_hosts) is read by the name alone, the one question asked before
// any workspace is known. Both tables change together, in the caller's transaction.
import type { Knex } from 'knex';

export type DomainStatus = 'pending' | 'verified' | 'failed';

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

/** The workspace's verified domain that links in emails use: the first verified, while it stays so. */
export async function firstVerifiedHostname(db: Knex, workspaceId: string): Promise<string | null> {
  const row = await db('portal_custom_domains')
    .where({ workspace_id: workspaceId, status: 'verified' })
    .orderBy('verified_at', 'asc')
    .orderBy('hostname', 'asc')
    .first('hostname');
  return (row?.hostname as string | undefined) ?? null;
}

/** Whether any workspace holds the name, verified or not. */
export async function hostIsClaimed(db: Knex | Knex.Transaction, hostname: string): Promise<boolean> {
  return Boolean(await db('portal_custom_domain_hosts').where({ hostname }).first('hostname'));
}

/** Claims the name for the workspace and records the domain; false (nothing written) when another holds it. */
export async function insertDomain(
  trx: Knex.Transaction,
  row: { workspace_id: string; hostname: string; token: string; created_by_staff_id: string },
): Promise<boolean> {
  const claimed = await trx('portal_custom_domain_hosts')
    .insert({ hostname: row.hostname, workspace_id: row.workspace_id, verified: false })
    .onConflict('hostname')
    .ignore()
    .returning('hostname');
  if (claimed.length === 0) return false;
  await trx('portal_custom_domains').insert({ ...row, status: 'pending' });
  return true;
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
