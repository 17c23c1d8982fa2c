// One heavy client: the dashboard of a client with years of history against the same page at the
// demo's size, measured in one run. Two portals run side by side in this process, the same host
// and the same seed, but one client of the second holds 100,000 past invoices (paid or void) and
// 100,000 past proposals (accepted, declined, expired) more: what an agency's best customer looks
// like after ten years. Each page is timed one request at a time, on the demo, the heavy one, the
// heavy one again and the demo again (the median of each pair), so a machine that drifts in speed
// moves both columns alike. Prints one line per host and page, then the rows as JSON for
// bench/run.ts (`npm run bench -- --only=heavy`); writes nothing.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/heavy-client.ts
//   HEAVY_ROWS=10000 ...   a smaller history (default 100,000 of each)
//   HEAVY_HOST=alga ...    one host only: reference, dolibarr or alga (default all three)
//
// The reference CRM; beside Dolibarr and beside Alga PSA too where their schemas are at
// ../shared/crm-schemas (or CRM_SCHEMAS_DIR). Needs a PostgreSQL server: those schemas load with psql.
// Alga has quotes, not proposals: its third page is the quotation list.
import request from 'supertest';
import type { Knex } from 'knex';
import { bootReferenceCrm, type RunningCrm } from '../plugins/reference-crm/boot.ts';
import { hashPassword } from '../src/core/crypto/secrets.ts';
import { encodeCursor } from '../src/index.ts';
import { createSeededTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { demoNorthwind } from '../test/support/demo-records.ts';
import { flagsFileFor, signedInAgent } from '../test/support/portal-harness.ts';
import type { PortalOnHost } from '../test/support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable as algaUnavailable, type AlgaHost } from '../test/alga-psa/alga-host.ts';
import { CLAIRE_PASSWORD as ALGA_CLAIRE_PASSWORD } from '../test/alga-psa/seed.ts';
import {
  insertClaireLogin,
  servePortalBeside,
  startDolibarrHost,
  unavailable as dolibarrUnavailable,
  type DolibarrHost,
} from '../test/dolibarr/dolibarr-host.ts';

const HISTORY = Number(process.env.HEAVY_ROWS ?? 100_000);
const ROUNDS = Number(process.env.HEAVY_ROUNDS ?? 60);
const HOSTS = ['reference', 'dolibarr', 'alga'] as const;
const ONLY = process.env.HEAVY_HOST;
if (ONLY !== undefined && !(HOSTS as readonly string[]).includes(ONLY)) throw new Error(`HEAVY_HOST is one of ${HOSTS.join(', ')}`);
const runs = (host: (typeof HOSTS)[number]) => ONLY === undefined || ONLY === host;
if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to a PostgreSQL server.');

type Agent = ReturnType<typeof request.agent>;

interface Side {
  agent: Agent;
  base: string;
  close(): Promise<void>;
}

/** The median time of one GET, over ROUNDS requests one after another. */
async function medianMs(agent: Agent, path: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const res = await agent.get(path);
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export interface HeavyClientRow {
  host: string;
  page: string;
  demoMs: number;
  heavyMs: number;
}
const measured: HeavyClientRow[] = [];

async function compare(host: string, pages: Array<[string, string]>, demo: Side, heavy: Side, offers = 'proposals'): Promise<void> {
  for (const [name, path] of pages) {
    // Warm both (prepared statements, caches), then demo, heavy, heavy, demo.
    await medianMs(demo.agent, `${demo.base}${path}`);
    await medianMs(heavy.agent, `${heavy.base}${path}`);
    const [a, b, c, d] = [
      await medianMs(demo.agent, `${demo.base}${path}`),
      await medianMs(heavy.agent, `${heavy.base}${path}`),
      await medianMs(heavy.agent, `${heavy.base}${path}`),
      await medianMs(demo.agent, `${demo.base}${path}`),
    ];
    const small = (a + d) / 2;
    const large = (b + c) / 2;
    measured.push({ host, page: name, demoMs: small, heavyMs: large });
    console.log(
      `${host} ${name}: p50 ${small.toFixed(2)} ms at the demo's size, ${large.toFixed(2)} ms with ${HISTORY.toLocaleString('en')} past invoices and ${offers} on the client: ${(large / small).toFixed(2)} × (target ≤ 1.5 ×)`,
    );
  }
}

// ---- The reference CRM -------------------------------------------------------------------------

async function referenceSide(history: boolean): Promise<Side> {
  const database: TestDatabase = await createSeededTestDatabase();
  const crm: RunningCrm = await bootReferenceCrm({
    databaseUrl: database.url,
    port: 0,
    sessionSecret: 'heavy-client-'.padEnd(48, 'h'),
    flagsFile: flagsFileFor(['demo']),
    quiet: true,
  });
  if (history) await seedReferenceHistory(crm.db);
  await crm.db.raw('vacuum analyze');
  const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
  const agent = await signedInAgent(request.agent(crm.url), 'demo', login);
  return {
    agent,
    base: '/portal/demo',
    close: async () => {
      await crm.close();
      await database.drop();
    },
  };
}

/** Northwind's ten years: invoices paid or voided, proposals decided or lapsed, none open. */
async function seedReferenceHistory(db: Knex): Promise<void> {
  const client = await demoNorthwind(db);
  await db.raw(
    `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date)
     select ?, ?, 'HIST-' || g, (array['paid', 'paid', 'paid', 'void'])[1 + g % 4], 'USD',
            date '2016-01-01' + (g % 3650), date '2016-01-31' + (g % 3650)
       from generate_series(1, ?) g`,
    [client.workspace_id, client.id, HISTORY],
  );
  await db.raw(
    `insert into proposals (workspace_id, client_id, number, title, status, currency)
     select ?, ?, 'HISTP-' || g, 'Past work ' || g, (array['accepted', 'declined', 'expired'])[1 + g % 3], 'USD'
       from generate_series(1, ?) g`,
    [client.workspace_id, client.id, HISTORY],
  );
}

// ---- Beside Dolibarr ---------------------------------------------------------------------------

const DOLIBARR_PASSWORD = 'Claire-portal-2026';

async function dolibarrSide(history: boolean): Promise<Side> {
  const host: DolibarrHost = await startDolibarrHost();
  const { db, seed } = host;
  const running: PortalOnHost = await servePortalBeside(host);
  await insertClaireLogin(db, seed, await hashPassword(DOLIBARR_PASSWORD));
  if (history) await seedDolibarrHistory(db, seed.companies.bakery);
  await db.raw('vacuum analyze');
  // The background pass a running portal makes every few minutes, here once: it scans llx_propal
  // for the proposals not decided yet, which the dashboard counts from then on.
  await running.portal.clientNotifications.hostNews();
  const agent = await signedInAgent(request.agent(running.url), seed.workspaceSlug, {
    email: 'claire@martin.example',
    password: DOLIBARR_PASSWORD,
  });
  return {
    agent,
    base: `/portal/${seed.workspaceSlug}`,
    close: async () => {
      await running.close();
      await host.close();
    },
  };
}

/** The bakery's ten years in Dolibarr's own codes: invoices paid (2) or abandoned (3), proposals signed (2), not signed (3) or billed (4). */
async function seedDolibarrHistory(db: Knex, companyId: number): Promise<void> {
  await db.raw(
    `insert into llx_facture (ref, entity, fk_soc, datec, datef, date_lim_reglement, fk_statut, paye, type, total_ht, total_tva, total_ttc)
     select 'FA-HIST-' || g, 1, ?, now(), date '2016-01-01' + (g % 3650), date '2016-01-31' + (g % 3650),
            case when g % 4 = 0 then 3 else 2 end, case when g % 4 = 0 then 0 else 1 end, 0, 100, 20, 120
       from generate_series(1, ?) g`,
    [companyId, HISTORY],
  );
  await db.raw(
    `insert into llx_propal (ref, entity, fk_soc, datec, datep, fk_statut, total_ht, total_tva, total_ttc)
     select 'PR-HIST-' || g, 1, ?, now(), date '2016-01-01' + (g % 3650), 2 + g % 3, 100, 20, 120
       from generate_series(1, ?) g`,
    [companyId, HISTORY],
  );
}

// ---- Beside Alga PSA --------------------------------------------------------------------------

async function algaSide(history: boolean): Promise<Side> {
  const host: AlgaHost = await startAlgaHost();
  const { db, seed } = host;
  let running: PortalOnHost | undefined;
  try {
    const beside = await portalBesideAlga(host, { serve: true });
    running = beside.running;
    const { slug } = beside;
    if (history) await seedAlgaHistory(db, seed.tenant, seed.clients.bakery, seed.users.admin);
    await db.raw('vacuum analyze');
    const agent = await signedInAgent(request.agent(running.url), slug, { email: 'claire@harbor.example', password: ALGA_CLAIRE_PASSWORD });
    // The background pass a running portal makes every few minutes (the news read), here once, after
    // the sign-in: the pass reads the workspaces that have someone signed up to tell.
    await running.portal.clientNotifications.hostNews();
    const portal = running;
    return {
      agent,
      base: `/portal/${slug}`,
      close: async () => {
        await portal.close();
        await host.close();
      },
    };
  } catch (error) {
    await running?.close();
    await host.close();
    throw error;
  }
}

/**
 * The bakery's ten years in Alga's own codes: invoices finalized and then paid, or cancelled
 * (InvoiceStatus), and quotes sent and then accepted, rejected, expired or converted
 * (quotes_status_check): nothing the client still has to act on.
 */
async function seedAlgaHistory(db: Knex, tenant: string, clientId: string, staffId: string): Promise<void> {
  await db.raw(
    `insert into invoices (tenant, client_id, invoice_number, invoice_date, due_date, subtotal, tax, total_amount,
                           status, currency_code, is_manual, invoice_type, finalized_at, created_at, updated_at)
     select ?, ?, 'INV-HIST-' || g, d, d + interval '30 days', 10000, 800, 10800,
            case when g % 4 = 0 then 'cancelled' else 'paid' end, 'USD', true, 'standard', d, d, d
       from generate_series(1, ?) g, lateral (select timestamptz '2016-01-01 00:00:00Z' + (g % 3650) * interval '1 day' as d) day`,
    [tenant, clientId, HISTORY],
  );
  await db.raw(
    `insert into quotes (tenant, client_id, quote_number, title, status, version, quote_date, valid_until, subtotal, tax,
                         total_amount, currency_code, is_template, sent_at, accepted_at, rejected_at, expired_at, converted_at,
                         created_by, updated_by, created_at, updated_at)
     select ?, ?, 'Q-HIST-' || g, 'Past work ' || g, s, 1, d, d + interval '30 days', 10000, 800, 10800, 'USD', false, d,
            case when s in ('accepted', 'converted') then d + interval '2 days' end,
            case when s = 'rejected' then d + interval '2 days' end,
            case when s = 'expired' then d + interval '30 days' end,
            case when s = 'converted' then d + interval '3 days' end,
            ?, ?, d, d
       from generate_series(1, ?) g,
            lateral (select timestamptz '2016-01-01 00:00:00Z' + (g % 3650) * interval '1 day' as d,
                            (array['accepted', 'rejected', 'expired', 'converted'])[1 + g % 4] as s) q`,
    [tenant, clientId, staffId, staffId, HISTORY],
  );
}

// ---- The run -----------------------------------------------------------------------------------

const PAGES: Array<[string, string]> = [
  ['dashboard', '/'],
  ['invoice list', '/invoices'],
  ['proposal list', '/proposals'],
];
const ALGA_PAGES: Array<[string, string]> = [
  ['dashboard', '/'],
  ['invoice list', '/invoices'],
  ['quotation list', '/quotations'],
];

// Beside Dolibarr also a page of proposals from the middle of the history, by its keyset cursor
// ([date, rowid], the binding's own): at the demo's size the few proposals older than it.
const DOLIBARR_PAGES: Array<[string, string]> = [
  ...PAGES,
  ['proposal list, a later page', `/proposals?after=${encodeCursor(['2021-01-01', 2_000_000_000])}`],
];

if (runs('reference')) {
  const reference = [await referenceSide(false), await referenceSide(true)] as const;
  try {
    await compare('reference CRM', PAGES, reference[0], reference[1]);
  } finally {
    for (const side of reference) await side.close();
  }
}

const why = dolibarrUnavailable();
if (!runs('dolibarr')) {
  // left out by HEAVY_HOST
} else if (why) console.log(`beside Dolibarr: not measured, ${why}`);
else {
  const dolibarr = [await dolibarrSide(false), await dolibarrSide(true)] as const;
  try {
    await compare('beside Dolibarr', DOLIBARR_PAGES, dolibarr[0], dolibarr[1]);
  } finally {
    for (const side of dolibarr) await side.close();
  }
}
const algaWhy = algaUnavailable();
if (!runs('alga')) {
  // left out by HEAVY_HOST
} else if (algaWhy) console.log(`beside Alga PSA: not measured, ${algaWhy}`);
else {
  const alga = [await algaSide(false), await algaSide(true)] as const;
  try {
    await compare('beside Alga PSA', ALGA_PAGES, alga[0], alga[1], 'quotes');
  } finally {
    for (const side of alga) await side.close();
  }
}

// For bench/run.ts, which puts the rows in BENCHMARKS.md.
console.log(`HEAVY_CLIENT_ROWS ${JSON.stringify({ history: HISTORY, rows: measured })}`);
process.exit(0);
