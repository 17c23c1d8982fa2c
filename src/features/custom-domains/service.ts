// A workspace's custom domains: adding one (its name claimed across workspaces, a token made for its
// TXT record), checking its DNS, removing it, and the question every request at a custom domain
// asks first: which workspace is this Host?
//
// Who holds a name. Adding a name claims it for the workspace, unverified; that claim must not let
// a workspace keep a name from the agency whose DNS it is (typing a name costs nothing). So:
// - a verified claim is never taken: another workspace cannot even add the name;
// - an unverified claim expires CLAIM_DAYS after its domain was added: a workspace adding the name
//   after that takes the claim over at once;
// - before that, another workspace may still add the name (to get a token of its own) without
//   holding it, and the first workspace whose TXT record is found takes the name, in the check's
//   transaction; the domain of the workspace whose unverified claim it took is marked superseded.
// A name is served only while it is verified, so none of this serves a name to a workspace that
// has not proved it.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { checkVerificationRecord, type CheckResult, type TxtLookup } from './dns-check.ts';
import { hostnameOfInput, normaliseHostname } from './hostnames.ts';
import {
  type ClaimRow,
  claimsOf,
  type CustomDomainRow,
  deleteDomain,
  findClaimForUpdate,
  findDomain,
  insertClaim,
  insertDomain,
  listDomains,
  markSuperseded,
  moveUnverifiedClaim,
  recordCheck,
  takeVerifiedClaim,
  verifiedHostnames,
  verifiedHostOwner,
} from './queries.ts';

/** A workspace needs a few names (the portal, perhaps a second brand), not a list to manage. */
export const MAX_DOMAINS_PER_WORKSPACE = 5;

/** How long an unverified claim keeps other workspaces from taking a name without proving it. */
const CLAIM_DAYS = 7;
const CLAIM_MS = CLAIM_DAYS * 24 * 60 * 60 * 1000;

/**
 * How long an instance trusts what it read about a Host. A removal or failed check on this instance
 * counts at once; on another, within this time (the same for a name newly verified there).
 */
const HOST_CACHE_MS = 30_000;
const HOST_CACHE_ENTRIES = 10_000;

/** Why a domain was not added; each a key of customDomains:refusals.*. */
type AddRefusal = 'invalid' | 'notJustName' | 'ownHost' | 'taken' | 'tooMany';

/** A check's result, or: the TXT record holds the token, but another workspace proved the name first. */
type CheckOutcome = CheckResult | 'heldElsewhere';

/**
 * A domain as its workspace's page shows it, with the claim of its name: held by this workspace,
 * by another (unverified, or verified), or by none; and when this domain's own claim expires.
 */
export interface DomainListing extends CustomDomainRow {
  holder: 'this' | 'another' | 'anotherVerified' | 'none';
  claimExpiresAt: Date;
  claimExpired: boolean;
}

export interface CustomDomains {
  /** The host name every domain's CNAME points at. */
  readonly target: string;
  list(workspaceId: string): Promise<DomainListing[]>;
  /** `holds`: whether the workspace holds the name now, or waits to prove it (another's fresh claim). */
  add(workspaceId: string, staffId: string, input: string): Promise<{ hostname: string; holds: boolean } | { refused: AddRefusal }>;
  /** Asks DNS now and records the answer; null when the workspace has no such domain. */
  check(workspaceId: string, hostname: string): Promise<CheckOutcome | null>;
  remove(workspaceId: string, hostname: string): Promise<boolean>;
  /** The workspace a verified custom domain serves; null for any other name. */
  workspaceOfHost(hostname: string): Promise<string | null>;
  /** The host name links to the workspace's portal use (emails); null without a verified domain. */
  verifiedHostOf(workspaceId: string): Promise<string | null>;
  /** Every verified domain of the workspace, the first verified first; read afresh (what lists them all is rare). */
  verifiedHostsOf(workspaceId: string): Promise<string[]>;
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

  /** An unverified claim past its time, or one whose domain is gone, no longer keeps the name. */
  async function claimExpired(trx: Knex.Transaction, claim: ClaimRow): Promise<boolean> {
    const holding = await findDomain(trx, claim.workspace_id, claim.hostname);
    return !holding || holding.created_at.getTime() + CLAIM_MS <= deps.now().getTime();
  }

  return {
    target: deps.target,
    async list(workspaceId) {
      const rows = await listDomains(db, workspaceId);
      // A verified domain's claim is this workspace's (verifying takes it): only the others' are
      // read, so a page of verified domains costs no second round trip.
      const unverified = rows.filter((row) => row.status !== 'verified').map((row) => row.hostname);
      const claims = new Map((await claimsOf(db, unverified)).map((claim) => [claim.hostname, claim]));
      const now = deps.now().getTime();
      return rows.map((row) => {
        const claim = claims.get(row.hostname);
        const expiresAt = new Date(row.created_at.getTime() + CLAIM_MS);
        const holder: DomainListing['holder'] =
          row.status === 'verified' || claim?.workspace_id === workspaceId
            ? 'this'
            : !claim
              ? 'none'
              : claim.verified
                ? 'anotherVerified'
                : 'another';
        return { ...row, holder, claimExpiresAt: expiresAt, claimExpired: row.status !== 'verified' && expiresAt.getTime() <= now };
      });
    },

    async add(workspaceId, staffId, input) {
      const hostname = hostnameOfInput(input);
      if (typeof hostname !== 'string') return hostname;
      if (ownHosts.has(hostname)) return { refused: 'ownHost' };
      return db.transaction(async (trx) => {
        if ((await listDomains(trx, workspaceId)).length >= MAX_DOMAINS_PER_WORKSPACE) return { refused: 'tooMany' as const };
        if (await findDomain(trx, workspaceId, hostname)) return { refused: 'taken' as const };
        const claim = await findClaimForUpdate(trx, hostname);
        if (claim?.verified) return { refused: 'taken' as const };
        const holds = !claim
          ? await insertClaim(trx, hostname, workspaceId)
          : (await claimExpired(trx, claim)) && (await moveUnverifiedClaim(trx, hostname, claim.workspace_id, workspaceId));
        const token = randomBytes(16).toString('hex');
        await insertDomain(trx, { workspace_id: workspaceId, hostname, token, created_by_staff_id: staffId });
        return { hostname, holds };
      });
    },

    async check(workspaceId, hostname) {
      const domain = await findDomain(db, workspaceId, hostname);
      if (!domain) return null;
      // DNS is asked outside the transaction: a slow server holds no connection.
      const result = await checkVerificationRecord(deps.lookup, hostname, domain.token);
      const outcome = await db.transaction(async (trx): Promise<CheckOutcome> => {
        if (result !== 'verified') {
          await recordCheck(trx, workspaceId, hostname, { status: 'failed', result, at: deps.now() });
          return result;
        }
        // Proved: the name is this workspace's unless another proved it first. Whoever held it
        // unverified learns on their page that it went (superseded), in this same transaction.
        const before = await findClaimForUpdate(trx, hostname);
        if (!(await takeVerifiedClaim(trx, hostname, workspaceId))) {
          await recordCheck(trx, workspaceId, hostname, { status: 'failed', result: 'heldElsewhere', at: deps.now() });
          return 'heldElsewhere';
        }
        if (before && before.workspace_id !== workspaceId) await markSuperseded(trx, before.workspace_id, hostname);
        await recordCheck(trx, workspaceId, hostname, { status: 'verified', result, at: deps.now() });
        return result;
      });
      forget(workspaceId, hostname);
      return outcome;
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
      const hostname = (await verifiedHostnames(db, workspaceId))[0] ?? null;
      if (linkHosts.size >= HOST_CACHE_ENTRIES) linkHosts.clear();
      linkHosts.set(workspaceId, { hostname, until: Date.now() + HOST_CACHE_MS });
      return hostname;
    },

    verifiedHostsOf: (workspaceId) => verifiedHostnames(db, workspaceId),
  };
}
