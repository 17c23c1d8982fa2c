// A workspace's custom domains: adding one (its name claimed across workspaces, a token made for its
// TXT record), checking its DNS, removing it, and the question every request at a custom domain
// asks first: which workspace is this Host?
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { checkVerificationRecord, type CheckResult, type TxtLookup } from './dns-check.ts';
import { normaliseHostname } from './hostnames.ts';
import {
  deleteDomain,
  findDomain,
  firstVerifiedHostname,
  hostIsClaimed,
  insertDomain,
  listDomains,
  recordCheck,
  verifiedHostOwner,
  type CustomDomainRow,
} from './queries.ts';

/** A workspace needs a few names (the portal, perhaps a second brand), not a list to manage. */
export const MAX_DOMAINS_PER_WORKSPACE = 5;

/**
 * How long an instance trusts what it read about a Host. A removal or failed check on this instance
 * counts at once; on another, within this time (the same for a name newly verified there).
 */
const HOST_CACHE_MS = 30_000;
const HOST_CACHE_ENTRIES = 10_000;

/** Why a domain was not added; each a key of customDomains:refusals.*. */
type AddRefusal = 'invalid' | 'ownHost' | 'taken' | 'tooMany';

export interface CustomDomains {
  /** The host name every domain's CNAME points at. */
  readonly target: string;
  list(workspaceId: string): Promise<CustomDomainRow[]>;
  add(workspaceId: string, staffId: string, input: string): Promise<{ hostname: string } | { refused: AddRefusal }>;
  /** Asks DNS now and records the answer; null when the workspace has no such domain. */
  check(workspaceId: string, hostname: string): Promise<CheckResult | null>;
  remove(workspaceId: string, hostname: string): Promise<boolean>;
  /** The workspace a verified custom domain serves; null for any other name. */
  workspaceOfHost(hostname: string): Promise<string | null>;
  /** The host name links to the workspace's portal use (emails); null without a verified domain. */
  verifiedHostOf(workspaceId: string): Promise<string | null>;
}

export function createCustomDomains(deps: {
  db: Knex;
  lookup: TxtLookup;
  now: () => Date;
  /** The portal's own names (the app's host, the CNAME target): never a workspace's domain. */
  ownHosts: readonly string[];
  target: string;
}): CustomDomains {
  const { db } = deps;
  const ownHosts = new Set(deps.ownHosts.map((host) => normaliseHostname(host) ?? host));
  const hosts = new Map<string, { workspaceId: string | null; until: number }>();
  const linkHosts = new Map<string, { hostname: string | null; until: number }>();
  const forget = (workspaceId: string, hostname: string) => {
    hosts.delete(hostname);
    linkHosts.delete(workspaceId);
  };

  return {
    target: deps.target,
    list: (workspaceId) => listDomains(db, workspaceId),

    async add(workspaceId, staffId, input) {
      const hostname = normaliseHostname(input);
      if (!hostname) return { refused: 'invalid' };
      if (ownHosts.has(hostname)) return { refused: 'ownHost' };
      return db.transaction(async (trx) => {
        if ((await listDomains(trx, workspaceId)).length >= MAX_DOMAINS_PER_WORKSPACE) return { refused: 'tooMany' as const };
        if (await hostIsClaimed(trx, hostname)) return { refused: 'taken' as const };
        const token = randomBytes(16).toString('hex');
        const added = await insertDomain(trx, { workspace_id: workspaceId, hostname, token, created_by_staff_id: staffId });
        return added ? { hostname } : { refused: 'taken' as const };
      });
    },

    async check(workspaceId, hostname) {
      const domain = await findDomain(db, workspaceId, hostname);
      if (!domain) return null;
      // DNS is asked outside the transaction: a slow server holds no connection.
      const result = await checkVerificationRecord(deps.lookup, hostname, domain.token);
      await db.transaction((trx) =>
        recordCheck(trx, workspaceId, hostname, { status: result === 'verified' ? 'verified' : 'failed', result, at: deps.now() }),
      );
      forget(workspaceId, hostname);
      return result;
    },

    async remove(workspaceId, hostname) {
      const removed = await db.transaction((trx) => deleteDomain(trx, workspaceId, hostname));
      forget(workspaceId, hostname);
      return removed;
    },

    async workspaceOfHost(hostname) {
      const cached = hosts.get(hostname);
      if (cached && cached.until > Date.now()) return cached.workspaceId;
      const workspaceId = await verifiedHostOwner(db, hostname);
      // Unknown names are remembered too, so a flood of made-up Hosts costs one read per name and
      // interval; the map is bounded so it cannot grow without end.
      if (hosts.size >= HOST_CACHE_ENTRIES) hosts.clear();
      hosts.set(hostname, { workspaceId, until: Date.now() + HOST_CACHE_MS });
      return workspaceId;
    },

    async verifiedHostOf(workspaceId) {
      const cached = linkHosts.get(workspaceId);
      if (cached && cached.until > Date.now()) return cached.hostname;
      const hostname = await firstVerifiedHostname(db, workspaceId);
      if (linkHosts.size >= HOST_CACHE_ENTRIES) linkHosts.clear();
      linkHosts.set(workspaceId, { hostname, until: Date.now() + HOST_CACHE_MS });
      return hostname;
    },
  };
}
