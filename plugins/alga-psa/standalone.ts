// Alga PSA for the standalone portal server (plugins/standalone/binding.ts): Alga is a Next.js
// app whose staff session (NextAuth) this process cannot read, so the server signs Alga's
// internal users in with their Alga password and serves every tenant of the database.
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  credentialStamp,
  SECOND_FACTOR_NEEDED,
  StandaloneSetupError,
  type CrmRecordKind,
  type StandaloneBinding,
  type StandaloneStaff,
} from '../standalone/binding.ts';
import { createAlgaPsaAdapter } from './adapter.ts';
import { parseUuid } from './ids.ts';
import { decoyVerify, verifyAlgaPassword } from './passwords.ts';
import { listTenants } from './queries/tenants.ts';
import { secondFactorPasses } from './second-factor.ts';
import { findStaffByLogin, findStaffUser, type StaffRow } from './queries/users.ts';
import { algaWorkspaces, presentTenant, SLUG } from './workspaces.ts';

const LOGIN = z.string().trim().min(1).max(320);
const PASSWORD = z.string().min(1).max(1024);

/** "slug=tenant-uuid,slug=tenant-uuid" → tenant → slug. */
function parseSlugs(text: string | undefined): Record<string, string> | undefined {
  if (!text?.trim()) return undefined;
  const map: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [slug, tenant] = pair.split('=').map((part) => part.trim());
    const id = parseUuid(tenant);
    if (!slug || !SLUG.test(slug) || !id)
      throw new StandaloneSetupError(`ALGA_WORKSPACE_SLUGS: "${pair}" is not slug=tenant-uuid (slug: lower-case letters, digits and '-')`);
    if (Object.values(map).includes(slug) || map[id])
      throw new StandaloneSetupError(`ALGA_WORKSPACE_SLUGS: "${pair}" repeats a slug or a tenant`);
    map[id] = slug;
  }
  return map;
}

function baseUrlOf(text: string | undefined): string | null {
  if (!text?.trim()) return null;
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return url.toString().replace(/\/+$/, '');
  } catch {
    throw new StandaloneSetupError(`ALGA_BASE_URL must be an http(s) URL (got ${JSON.stringify(text)})`);
  }
}

/** Alga's own pages (server/src/app/msp/…) for each record kind, or null where Alga's URL needs more than the id. */
function recordPath(kind: CrmRecordKind, id: string): string | null {
  switch (kind) {
    case 'client':
      return `/msp/clients/${id}`;
    case 'contact':
      return `/msp/contacts/${id}`;
    case 'quotation':
      return `/msp/billing?tab=quotes&quoteId=${id}`;
    case 'invoice':
      return `/msp/invoices/${id}`;
    case 'document':
      return '/msp/documents';
    // A task's page is /msp/projects/<project>/tasks/<task>: the task id alone does not name it.
    case 'task':
    case 'proposal':
      return null;
  }
}

export const algaPsaStandalone: StandaloneBinding = {
  name: 'alga-psa',
  crmName: 'Alga PSA',
  settings: [
    {
      name: 'NEXTAUTH_SECRET',
      required: true,
      description: "The Alga deployment's NEXTAUTH_SECRET: Alga mixes it into every password hash.",
    },
    {
      name: 'ALGA_BASE_URL',
      required: false,
      description: "Alga's own address (https://psa.example.com), for links from the portal to Alga's pages.",
    },
    {
      name: 'ALGA_WORKSPACE_SLUGS',
      required: false,
      description:
        'slug=tenant-uuid pairs, comma-separated: the portal URL name of each tenant served (only those). Without it every tenant is served under its name plus 12 digits of its id.',
    },
    {
      name: 'ALGA_STORAGE_ROOT',
      required: false,
      description:
        "Alga's local file storage (STORAGE_LOCAL_BASE_PATH), readable and writable here: clients then download the documents Alga shares with them, and the files they attach to tickets become Alga documents of the ticket. Without it those files stay in the portal's own storage and never reach Alga.",
    },
  ],
  async open(db: Knex, env: NodeJS.ProcessEnv) {
    const secret = env.NEXTAUTH_SECRET?.trim();
    if (!secret)
      throw new StandaloneSetupError("NEXTAUTH_SECRET is required: the Alga deployment's secret, without which no Alga password verifies");
    const slugs = parseSlugs(env.ALGA_WORKSPACE_SLUGS);
    const baseUrl = baseUrlOf(env.ALGA_BASE_URL);
    const storageRoot = env.ALGA_STORAGE_ROOT?.trim() || undefined;
    const adapter = createAlgaPsaAdapter(db, {
      nextAuthSecret: secret,
      ...(slugs ? { workspaceSlugs: slugs } : {}),
      ...(storageRoot ? { storageRoot } : {}),
      ...(baseUrl ? { crmUrl: baseUrl } : {}),
    });
    const workspaces = algaWorkspaces(db, slugs);
    const served = (tenant: string) => !slugs || tenant in slugs;
    const present = (tenant: string, row: StaffRow): StandaloneStaff => ({
      id: row.user_id,
      workspaceId: tenant,
      name: [row.first_name, row.last_name].filter((part) => part?.trim()).join(' ') || row.username,
      email: row.email.trim(),
      role: row.is_admin ? 'admin' : 'member',
      // The staff pages speak the user's own language and time zone as Alga keeps them.
      locale: row.locale,
      timeZone: row.timezone,
      // A new password in Alga ends the sessions here too.
      credentialStamp: credentialStamp(row.hashed_password ?? null),
    });
    return {
      adapter,
      async listWorkspaces() {
        return (await listTenants(db)).flatMap((row) => {
          const slug = workspaces.slugOf(row);
          return slug ? [presentTenant(row, slug)] : [];
        });
      },
      async signInStaff(login, password, secondFactor) {
        const wanted = LOGIN.safeParse(login);
        const given = PASSWORD.safeParse(password);
        if (!given.success) return null;
        // One account only: a login that names users in two tenants is refused rather than guessed.
        const rows = wanted.success ? (await findStaffByLogin(db, wanted.data)).filter((row) => served(row.tenant)) : [];
        if (rows.length !== 1) return decoyVerify(given.data, secret).then(() => null);
        const row = rows[0]!;
        if (!(await verifyAlgaPassword(given.data, row.hashed_password, secret))) return null;
        // Never less than Alga asks: its TOTP as well, for an account with two-factor on.
        return secondFactorPasses(row, secondFactor) ? present(row.tenant, row) : SECOND_FACTOR_NEEDED;
      },
      async staffAccountsFor(login) {
        const wanted = LOGIN.safeParse(login);
        if (!wanted.success) return [];
        return (await findStaffByLogin(db, wanted.data))
          .filter((row) => served(row.tenant))
          .map((row) => ({ workspaceId: row.tenant, id: row.user_id }));
      },
      async findStaff(workspaceId, staffId) {
        const tenant = parseUuid(workspaceId);
        const user = parseUuid(staffId);
        if (!tenant || !user || !served(tenant)) return null;
        const row = await findStaffUser(db, tenant, user);
        return row ? present(tenant, row) : null;
      },
      crmRecordUrl(kind, id) {
        const record = parseUuid(id);
        const pathOf = record ? recordPath(kind, record) : null;
        return baseUrl && pathOf ? `${baseUrl}${pathOf}` : null;
      },
    };
  },
};
