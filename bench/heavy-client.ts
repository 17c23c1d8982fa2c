// One heavy client: the dashboard of a client with years of history against the same page at the
// demo's size, measured in one run. Portals run side by side in this process, the same host and
// the same seed, but one client of the others holds 100,000 invoices more (99 % paid or void,
// 1,000 open) and 100,000 proposals (99 % accepted, declined or expired, 1,000 awaiting an
// answer): what an agency's best customer looks like after ten years. Two scenarios, each its own
// portal beside the demo's:
//   history  the ten years above;
//   settled  the ten years, every one of them paid, void, decided or lapsed (only the seed's own
//            records open): what a long history costs by itself;
//   import   the same, but 50,000 of the invoices open (a data import gone wrong): what is open
//            must be bounded too, not only what is past.
// Each page is timed one request at a time, on the demo, the heavy one, the heavy one again and the
// demo again (the median of each pair), so a machine that drifts in speed moves both columns alike.
// The dashboard twice: as kept between views (a read by key), and as the first view after a change
// to the client's records (what was kept dropped before each request: the host read, then kept).
// Prints one line per host, scenario and page, then the rows as JSON for bench/run.ts
// (`npm run bench -- --only=heavy`); writes nothing.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/heavy-client.ts
//   HEAVY_ROWS=10000 ...   a smaller history (default 100,000 invoices and 100,000 proposals)
//   HEAVY_OPEN=100 ...     how many of each are open on the client, the seed's own included (default 1,000)
//   HEAVY_IMPORT=0 ...     open invoices in the import scenario (default 50,000; 0 leaves it out)
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
import { createSeededTestDatabase, dropDatabasesOfRun, type TestDatabase } from '../test/support/database.ts';
import { demoNorthwind } from '../test/support/demo-records.ts';
import { flagsFileFor, signedInAgent } from '../test/support/portal-harness.ts';
import { forgetKeptDashboards } from '../test/support/kept-dashboards.ts';
import type { PortalOnHost } from '../test/support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable as algaUnavailable, type AlgaHost } from '../test/alga-psa/alga-host.ts';
import { CLAIRE_PASSWORD as ALGA_CLAIRE_PASSWORD } from '../test/alga-psa/seed.ts';
import { PAYABLE_STATUSES } from '../plugins/alga-psa/queries/invoices.ts';
import {
  insertClaireLogin,
  servePortalBeside,
  startDolibarrHost,
  unavailable as dolibarrUnavailable,
  type DolibarrHost,
} from '../test/dolibarr/dolibarr-host.ts';
import { upperMedian } from './median.ts';

const HISTORY = Number(process.env.HEAVY_ROWS ?? 100_000);
const OPEN = Number(process.env.HEAVY_OPEN ?? 1_000);
const IMPORT = Number(process.env.HEAVY_IMPORT ?? 50_000);
if (!(OPEN <= HISTORY && IMPORT <= HISTORY)) throw new Error('HEAVY_OPEN and HEAVY_IMPORT are at most HEAVY_ROWS');
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
  /** The database of the portal's tables: what a dashboard keeps is dropped there, as a change would have it read again. */
  db: Knex;
  close(): Promise<void>;
}

/** The median time of one GET, over ROUNDS requests one after another; `before` runs untimed before each. */
async function medianMs(agent: Agent, path: string, before?: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await before?.();
    const started = performance.now();
    const res = await agent.get(path);
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  }
  return upperMedian(times);
}

/** A client's history: HISTORY invoices and proposals, of which these are open (none: the demo's size). */
interface History {
  openInvoices: number;
  openProposals: number;
}
const SCENARIOS: Array<{ name: string; history: History }> = [
  { name: 'history', history: { openInvoices: OPEN, openProposals: OPEN } },
  // Ten years all settled, with what the seed has open: what a long history alone costs (the
  // statement of account since the balance was last zero lists what the demo's does).
  { name: 'settled', history: { openInvoices: 0, openProposals: 0 } },
  ...(IMPORT > 0 ? [{ name: 'import', history: { openInvoices: IMPORT, openProposals: OPEN } }] : []),
];
/**
 * The history's open rows less those the seed already has open on the client: the client then has
 * exactly as many open as the scenario says (1,000 is still counted exactly, and summed).
 */
async function topUp(db: Knex, history: History, seeded: { invoices: string; offers: string }, bindings: unknown[]): Promise<History> {
  const count = async (sql: string) => Number(((await db.raw(sql, bindings as Knex.RawBinding[])).rows[0] as { n: string }).n);
  return {
    openInvoices: Math.max(0, history.openInvoices - (await count(seeded.invoices))),
    openProposals: Math.max(0, history.openProposals - (await count(seeded.offers))),
  };
}

const describe = (h: History) =>
  `${HISTORY.toLocaleString('en')} invoices (${h.openInvoices.toLocaleString('en')} open) and ${HISTORY.toLocaleString('en')} offers (${h.openProposals.toLocaleString('en')} awaiting)`;

export interface HeavyClientRow {
  host: string;
  scenario: string;
  page: string;
  demoMs: number;
  heavyMs: number;
}
const measured: HeavyClientRow[] = [];

/** A page: its name, its path, and whether each request is the first after a change (nothing kept). */
type Page = [name: string, path: string, afterChange?: boolean];

async function compare(host: string, scenario: string, history: History, pages: Page[], demo: Side, heavy: Side): Promise<void> {
  for (const [name, path, afterChange] of pages) {
    const time = (side: Side) => medianMs(side.agent, `${side.base}${path}`, afterChange ? () => forgetKeptDashboards(side.db) : undefined);
    // Warm both (prepared statements, caches), then demo, heavy, heavy, demo.
    await time(demo);
    await time(heavy);
    const [a, b, c, d] = [await time(demo), await time(heavy), await time(heavy), await time(demo)];
    const small = (a + d) / 2;
    const large = (b + c) / 2;
    measured.push({ host, scenario, page: name, demoMs: small, heavyMs: large });
    console.log(
      `${host}, ${scenario}, ${name}: p50 ${small.toFixed(2)} ms at the demo's size, ${large.toFixed(2)} ms with ${describe(history)} on the client: ${(large / small).toFixed(2)} × (target ≤ 1.5 ×)`,
    );
  }
}

// ---- The reference CRM -------------------------------------------------------------------------

async function referenceSide(history: History | null): Promise<Side> {
  const database: TestDatabase = await createSeededTestDatabase();
  const crm: RunningCrm = await bootReferenceCrm({
    databaseUrl: database.url,
    port: 0,
    sessionSecret: 'heavy-client-'.padEnd(48, 'h'),
    flagsFile: flagsFileFor(['demo']),
    quiet: true,
  });
  if (history) await seedReferenceHistory(crm.db, history);
  await crm.db.raw('vacuum analyze');
  const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
  const agent = await signedInAgent(request.agent(crm.url), 'demo', login);
  return {
    agent,
    base: '/portal/demo',
    db: crm.db,
    close: async () => {
      await crm.close();
      await database.drop();
      await dropDatabasesOfRun();
    },
  };
}

/**
 * Northwind's ten years: invoices paid or voided, proposals decided or lapsed, and the open ones
 * (the first of each series): invoices sent, half of them past due, some part-paid, and proposals
 * sent and awaiting an answer. What was paid is paid by payments (ten days after an invoice of
 * the ten years, five after an open one), which the CRM's triggers add to each invoice's paid_cents:
 * the statement of account reads the payments, and the balance came back to zero after the last
 * of the ten years' invoices, before the open ones.
 */
async function seedReferenceHistory(db: Knex, scenario: History): Promise<void> {
  const client = await demoNorthwind(db);
  const history = await topUp(
    db,
    scenario,
    {
      invoices: "select count(*) as n from invoices where workspace_id = ? and client_id = ? and status in ('sent', 'overdue')",
      offers: "select count(*) as n from proposals where workspace_id = ? and client_id = ? and status = 'sent'",
    },
    [client.workspace_id, client.id],
  );
  await db.raw(
    `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date, total_cents)
     select ?, ?, 'HIST-' || g, s, 'USD', d, d + 30, 12000
       from generate_series(1, ?) g,
            lateral (select case when g <= ? then 'sent' else (array['paid', 'paid', 'paid', 'void'])[1 + g % 4] end as s,
                            case when g <= ? then current_date - 45 + (g % 30) else date '2016-01-01' + (g % 3650) end as d) i`,
    [client.workspace_id, client.id, HISTORY, history.openInvoices, history.openInvoices],
  );
  await db.raw(
    `insert into payments (workspace_id, invoice_id, amount_cents, method, paid_at)
     select workspace_id, id, case when status = 'paid' then 12000 else 5000 end, 'transfer',
            issue_date + case when status = 'paid' then 10 else 5 end
       from invoices
      where workspace_id = ? and client_id = ? and number like 'HIST-%'
        and (status = 'paid' or (status = 'sent' and substr(number, 6)::int % 5 = 0))`,
    [client.workspace_id, client.id],
  );
  await db.raw(
    `insert into proposals (workspace_id, client_id, number, title, status, currency)
     select ?, ?, 'HISTP-' || g, 'Past work ' || g,
            case when g <= ? then 'sent' else (array['accepted', 'declined', 'expired'])[1 + g % 3] end, 'USD'
       from generate_series(1, ?) g`,
    [client.workspace_id, client.id, history.openProposals, HISTORY],
  );
}

// ---- Beside Dolibarr ---------------------------------------------------------------------------

const DOLIBARR_PASSWORD = 'Claire-portal-2026';

async function dolibarrSide(history: History | null): Promise<Side> {
  const host: DolibarrHost = await startDolibarrHost();
  const { db, seed } = host;
  const running: PortalOnHost = await servePortalBeside(host);
  await insertClaireLogin(db, seed, await hashPassword(DOLIBARR_PASSWORD));
  if (history) await seedDolibarrHistory(db, seed.companies.bakery, history);
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
    db,
    close: async () => {
      await running.close();
      await host.close();
    },
  };
}

/**
 * The bakery's ten years in Dolibarr's own codes: invoices paid (2) or abandoned (3), proposals
 * signed (2), not signed (3) or billed (4); and the open ones (the first of each series): invoices
 * validated and unpaid (1, paye 0), half of them past due, and proposals validated (1), awaiting
 * the client's signature.
 */
async function seedDolibarrHistory(db: Knex, companyId: number, scenario: History): Promise<void> {
  const history = await topUp(
    db,
    scenario,
    {
      invoices: 'select count(*) as n from llx_facture where entity = 1 and fk_soc = ? and fk_statut = 1 and paye = 0',
      offers: 'select count(*) as n from llx_propal where entity = 1 and fk_soc = ? and fk_statut = 1',
    },
    [companyId],
  );
  await db.raw(
    `insert into llx_facture (ref, entity, fk_soc, datec, datef, date_lim_reglement, fk_statut, paye, type, total_ht, total_tva, total_ttc)
     select 'FA-HIST-' || g, 1, ?, now(), d, d + 30,
            case when g <= ? then 1 when g % 4 = 0 then 3 else 2 end, case when g <= ? or g % 4 = 0 then 0 else 1 end, 0, 100, 20, 120
       from generate_series(1, ?) g,
            lateral (select case when g <= ? then current_date - 45 + (g % 30) else date '2016-01-01' + (g % 3650) end as d) f`,
    [companyId, history.openInvoices, history.openInvoices, HISTORY, history.openInvoices],
  );
  await db.raw(
    `insert into llx_propal (ref, entity, fk_soc, datec, datep, fin_validite, fk_statut, total_ht, total_tva, total_ttc)
     select 'PR-HIST-' || g, 1, ?, now(), d, d + 30, case when g <= ? then 1 else 2 + g % 3 end, 100, 20, 120
       from generate_series(1, ?) g,
            lateral (select case when g <= ? then current_date - 10 + (g % 10) else date '2016-01-01' + (g % 3650) end as d) p`,
    [companyId, history.openProposals, HISTORY, history.openProposals],
  );
}

// ---- Beside Alga PSA --------------------------------------------------------------------------

async function algaSide(history: History | null): Promise<Side> {
  const host: AlgaHost = await startAlgaHost();
  const { db, seed } = host;
  let running: PortalOnHost | undefined;
  try {
    const beside = await portalBesideAlga(host, { serve: true });
    running = beside.running;
    const { slug } = beside;
    if (history) await seedAlgaHistory(db, seed.tenant, seed.clients.bakery, seed.users.admin, history);
    await db.raw('vacuum analyze');
    const agent = await signedInAgent(request.agent(running.url), slug, { email: 'claire@harbor.example', password: ALGA_CLAIRE_PASSWORD });
    // The background pass a running portal makes every few minutes (the news read), here once, after
    // the sign-in: the pass reads the workspaces that have someone signed up to tell.
    await running.portal.clientNotifications.hostNews();
    const portal = running;
    return {
      agent,
      base: `/portal/${slug}`,
      db,
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
 * (quotes_status_check); and the open ones (the first of each series): invoices sent and unpaid,
 * half of them past due, and quotes sent, awaiting the client's answer.
 */
async function seedAlgaHistory(db: Knex, tenant: string, clientId: string, staffId: string, scenario: History): Promise<void> {
  const history = await topUp(
    db,
    scenario,
    {
      invoices: `select count(*) as n from invoices where tenant = ? and client_id = ? and status in (${PAYABLE_STATUSES.map((status) => `'${status}'`).join(', ')})`,
      offers: "select count(*) as n from quotes where tenant = ? and client_id = ? and status = 'sent' and not is_template",
    },
    [tenant, clientId],
  );
  await db.raw(
    `insert into invoices (tenant, client_id, invoice_number, invoice_date, due_date, subtotal, tax, total_amount,
                           status, currency_code, is_manual, invoice_type, finalized_at, created_at, updated_at)
     select ?, ?, 'INV-HIST-' || g, d, d + interval '30 days', 10000, 800, 10800,
            case when g <= ? then 'sent' when g % 4 = 0 then 'cancelled' else 'paid' end, 'USD', true, 'standard', d, d, d
       from generate_series(1, ?) g,
            lateral (select case when g <= ? then date_trunc('day', now()) - (45 - g % 30) * interval '1 day'
                                 else timestamptz '2016-01-01 00:00:00Z' + (g % 3650) * interval '1 day' end as d) day`,
    [tenant, clientId, history.openInvoices, HISTORY, history.openInvoices],
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
            lateral (select case when g <= ? then date_trunc('day', now()) - (10 - g % 10) * interval '1 day'
                                 else timestamptz '2016-01-01 00:00:00Z' + (g % 3650) * interval '1 day' end as d,
                            case when g <= ? then 'sent' else (array['accepted', 'rejected', 'expired', 'converted'])[1 + g % 4] end as s) q`,
    [tenant, clientId, staffId, staffId, HISTORY, history.openProposals, history.openProposals],
  );
}

// ---- The run -----------------------------------------------------------------------------------

const PAGES: Page[] = [
  ['dashboard', '/'],
  ['dashboard after a change', '/', true],
  ['invoice list', '/invoices'],
  ['proposal list', '/proposals'],
];
// Beside the reference CRM also the statement of account since the balance was last zero: what a
// client owes now, whatever its history (ten years settled, at the demo's size nothing before).
const REFERENCE_PAGES: Page[] = [...PAGES, ['statement of account', '/invoices/statement.pdf?period=since-zero']];
const ALGA_PAGES: Page[] = [
  ['dashboard', '/'],
  ['dashboard after a change', '/', true],
  ['invoice list', '/invoices'],
  ['quotation list', '/quotations'],
];

// Beside Dolibarr also a page of proposals from the middle of the history, by its keyset cursor
// ([date, rowid], the binding's own): at the demo's size the few proposals older than it.
const DOLIBARR_PAGES: Page[] = [
  ...PAGES,
  ['proposal list, a later page', `/proposals?after=${encodeCursor(['2021-01-01', 2_000_000_000])}`],
];

/** The demo's side and one heavy side per scenario, each scenario measured against the demo's. */
async function measureHost(host: string, pages: Page[], side: (history: History | null) => Promise<Side>): Promise<void> {
  const sides: Side[] = [];
  try {
    const demo = await side(null);
    sides.push(demo);
    for (const scenario of SCENARIOS) {
      const heavy = await side(scenario.history);
      sides.push(heavy);
      await compare(host, scenario.name, scenario.history, pages, demo, heavy);
      // One heavy host at a time: the machine holds the demo's and one scenario's.
      await heavy.close();
      sides.pop();
    }
  } finally {
    for (const side of sides) await side.close();
  }
}

if (runs('reference')) await measureHost('reference CRM', REFERENCE_PAGES, referenceSide);

const why = dolibarrUnavailable();
if (!runs('dolibarr')) {
  // left out by HEAVY_HOST
} else if (why) console.log(`beside Dolibarr: not measured, ${why}`);
else await measureHost('beside Dolibarr', DOLIBARR_PAGES, dolibarrSide);

const algaWhy = algaUnavailable();
if (!runs('alga')) {
  // left out by HEAVY_HOST
} else if (algaWhy) console.log(`beside Alga PSA: not measured, ${algaWhy}`);
else await measureHost('beside Alga PSA', ALGA_PAGES, algaSide);

// For bench/run.ts, which puts the rows in BENCHMARKS.md.
console.log(`HEAVY_CLIENT_ROWS ${JSON.stringify({ history: HISTORY, open: OPEN, imported: IMPORT, rows: measured })}`);
process.exit(0);
