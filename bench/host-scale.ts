// A host of a real agency's size: every client list and record page beside Dolibarr, at the size
// issue 63 names, against the same pages at the demo's size, measured in one run. Two Dolibarr
// databases on one server, the same seed, each with rows generated in Dolibarr's own tables
// (generate_series, the codes and columns Dolibarr writes):
//   real  1,000 client companies more; 1,000,000 invoices and 1,000,000 proposals; 200,000 tickets
//         with 1,000,000 messages; 10,000 projects. The signed-in contact's company (the seeded
//         bakery) holds 100,000 of the invoices, 100,000 of the proposals, 95,000 of the tickets
//         and 1,000 of the projects: an agency's largest customer after ten years.
//   demo  the same shape a thousand times smaller, so the bakery still holds a full page of every
//         list (100 invoices, 100 proposals, 95 tickets, 10 projects).
// In both, 1 % of the invoices are unpaid and of the proposals awaiting a signature, 5 % of the
// tickets open, each ticket has five public messages, and the projects are public (seen by every
// contact of the company). A record page shows a record from the middle of the bakery's history.
// Each page is timed one request at a time: warmed on both sides, then demo, real, real, demo (the
// median of each pair), so a machine that drifts in speed moves both columns alike. The dashboard
// twice: as kept between views, and as the first view after a change (the kept row dropped first).
// Prints one line per page with its p50 at both sizes, the ratio and the targets (≤ 50 ms p50,
// ≤ 1.5 × the demo's), then the rows as JSON for bench/run.ts (`npm run bench -- --only=host-scale`).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/host-scale.ts
//   HOST_SCALE=0.1 ...    a tenth of the real size (the demo's stays as it is)
//   HOST_SCALE_ROUNDS=30  requests per median (default 40)
//
// Needs a PostgreSQL server and Dolibarr's schemas at ../shared/crm-schemas (or CRM_SCHEMAS_DIR):
// they load with psql. Generating the real size takes a few minutes.
import request from 'supertest';
import type { Knex } from 'knex';
import { createDolibarrAdapter } from '../plugins/dolibarr/adapter.ts';
import { hashPassword } from '../src/core/crypto/secrets.ts';
import { forgetKeptDashboards } from '../test/support/kept-dashboards.ts';
import { signedInAgent } from '../test/support/portal-harness.ts';
import type { PortalOnHost } from '../test/support/portal-on-host.ts';
import {
  insertClaireLogin,
  insertTicketInstallRows,
  servePortalBeside,
  startDolibarrHost,
  ticketModuleUnavailable,
  type DolibarrHost,
} from '../test/dolibarr/dolibarr-host.ts';

const SCALE = Number(process.env.HOST_SCALE ?? 1);
const ROUNDS = Number(process.env.HOST_SCALE_ROUNDS ?? 40);
if (!(SCALE > 0 && SCALE <= 1)) throw new Error('HOST_SCALE is a fraction of the real size, above 0 and at most 1');
if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to a PostgreSQL server.');

/** How much a host holds, and how much of it is the signed-in contact's company's. */
interface HostSize {
  companies: number;
  invoices: number;
  proposals: number;
  tickets: number;
  messagesPerTicket: number;
  projects: number;
  heavy: { invoices: number; proposals: number; tickets: number; projects: number };
}

const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const REAL: HostSize = {
  companies: scaled(1_000),
  invoices: scaled(1_000_000),
  proposals: scaled(1_000_000),
  tickets: scaled(200_000),
  messagesPerTicket: 5,
  projects: scaled(10_000),
  heavy: { invoices: scaled(100_000), proposals: scaled(100_000), tickets: scaled(95_000), projects: scaled(1_000) },
};
const DEMO: HostSize = {
  companies: 10,
  invoices: 1_000,
  proposals: 1_000,
  tickets: 200,
  messagesPerTicket: 5,
  projects: 100,
  heavy: { invoices: 100, proposals: 100, tickets: 95, projects: 10 },
};

const describeSize = (s: HostSize) =>
  `${s.invoices.toLocaleString('en')} invoices, ${s.proposals.toLocaleString('en')} proposals, ${s.tickets.toLocaleString('en')} tickets ` +
  `(${(s.tickets * s.messagesPerTicket).toLocaleString('en')} messages), ${s.projects.toLocaleString('en')} projects; the client's company ` +
  `${s.heavy.invoices.toLocaleString('en')} invoices, ${s.heavy.proposals.toLocaleString('en')} proposals, ${s.heavy.tickets.toLocaleString('en')} tickets, ` +
  `${s.heavy.projects.toLocaleString('en')} projects`;

/**
 * Rows in Dolibarr's tables of the size given. Row g of each table goes to the client's company
 * while g is within its share, else to one of the generated companies in turn; its status and date
 * follow g, so every company holds every status in the same proportions, spread over ten years.
 */
async function generateDolibarrRows(db: Knex, bakery: number, admin: number, size: HostSize): Promise<void> {
  await db.raw(
    `insert into llx_societe (nom, entity, client, fournisseur, status, code_client, datec, fk_user_creat, tva_assuj, fk_pays)
     select 'Scale company ' || g, 1, 1, 0, 1, 'CU-SCALE-' || g, now(), ?, 1, 1 from generate_series(1, ?) g`,
    [admin, size.companies],
  );
  // One statement's rows take consecutive rowids: the generated companies are first .. first + companies - 1.
  const { first } = (await db('llx_societe').whereLike('code_client', 'CU-SCALE-%').first(db.raw('min(rowid)::int as first'))) as {
    first: number;
  };
  // The company of row g: the client's while g is within `heavy`, else a generated one.
  const company = (heavy: number) => `case when g <= ${heavy} then ${bakery} else ${first} + g % ${size.companies} end`;
  const day = (years: number) => `date '2016-01-01' + (g % ${years * 365})`;

  await db.raw(
    `insert into llx_facture (ref, entity, fk_soc, datec, datef, date_lim_reglement, fk_statut, paye, type, total_ht, total_tva, total_ttc)
     select 'FA-SCALE-' || g, 1, ${company(size.heavy.invoices)}, now(), d, d + 30,
            case when g % 100 = 0 then 1 when g % 4 = 0 then 3 else 2 end, case when g % 100 = 0 or g % 4 = 0 then 0 else 1 end,
            0, 100, 20, 120
       from generate_series(1, ?) g, lateral (select ${day(10)} as d) f`,
    [size.invoices],
  );
  await db.raw(
    `insert into llx_propal (ref, entity, fk_soc, datec, datep, fin_validite, fk_statut, total_ht, total_tva, total_ttc)
     select 'PR-SCALE-' || g, 1, ${company(size.heavy.proposals)}, now(), d, d + 30, case when g % 100 = 0 then 1 else 2 + g % 3 end,
            100, 20, 120
       from generate_series(1, ?) g, lateral (select ${day(10)} as d) p`,
    [size.proposals],
  );
  // Tickets: 5 % open (not read, read, in progress, waiting on the client), the rest closed.
  await db.raw(
    `insert into llx_ticket (ref, track_id, entity, fk_soc, subject, message, fk_statut, type_code, category_code, severity_code,
                             origin_email, datec, tms, date_close)
     select 'TS-SCALE-' || g, 'scale' || lpad(g::text, 11, '0'), 1, ${company(size.heavy.tickets)}, 'Question ' || g,
            'Something to look at, number ' || g, s, 'COM', 'OTHER', 'NORMAL', 'claire@martin.example', d, d + interval '2 days',
            case when s = 8 then d + interval '2 days' end
       from generate_series(1, ?) g,
            lateral (select (${day(10)})::timestamp + (g % 86400) * interval '1 second' as d,
                            case when g % 20 = 0 then (array[0, 1, 3, 5])[1 + g / 20 % 4] else 8 end as s) t`,
    [size.tickets],
  );
  await db.raw(
    `insert into llx_actioncomm (ref, entity, datec, datep, fk_action, code, fk_soc, label, note, percent, priority, fulldayevent,
                                 location, transparency, fk_element, elementtype, event_paid, status, email_from)
     select 'AC-SCALE-' || t.rowid || '-' || k, 1, t.datec + k * interval '3 hours', t.datec + k * interval '3 hours',
            (select id from llx_c_actioncomm where code = 'AC_OTH_AUTO'), 'TICKET_MSG', t.fk_soc,
            '[Atelier - Ticket ' || t.ref || '] ' || t.subject, 'Message ' || k || ' on ' || t.ref, -1, 0, 0, '', 0,
            t.rowid, 'ticket', 0, 0, 'claire@martin.example'
       from llx_ticket t cross join generate_series(1, ?) k
      where t.ref like 'TS-SCALE-%'`,
    [size.messagesPerTicket],
  );
  await db.raw(
    `insert into llx_projet (fk_soc, ref, title, entity, fk_user_creat, fk_statut, public, datec, dateo, usage_task)
     select ${company(size.heavy.projects)}, 'PJ-SCALE-' || g, 'Project ' || g, 1, ?, case when g % 3 = 0 then 2 else 1 end, 1,
            d, d::date, 1
       from generate_series(1, ?) g, lateral (select (${day(10)})::timestamp as d) j`,
    [admin, size.projects],
  );
}

interface Side {
  agent: ReturnType<typeof request.agent>;
  base: string;
  db: Knex;
  /** The pages' paths at this side, record pages included. */
  paths: Record<PageName, string>;
  close(): Promise<void>;
}

const PASSWORD = 'Claire-portal-2026';

/** A record of the client's company from the middle of its history, by its generated ref. */
async function middleRecord(db: Knex, table: string, prefix: string, bakery: number, heavy: number): Promise<number> {
  const row = await db(table)
    .where('fk_soc', bakery)
    .whereLike('ref', `${prefix}%`)
    .orderBy('rowid')
    .offset(Math.floor(heavy / 2))
    .first<{ rowid: number } | undefined>('rowid');
  if (!row) throw new Error(`no ${table} row of the client's company`);
  return row.rowid;
}

async function dolibarrSide(size: HostSize): Promise<Side> {
  const host: DolibarrHost = await startDolibarrHost({ ticketModule: true, portalTables: true });
  let running: PortalOnHost | undefined;
  try {
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    const bakery = seed.companies.bakery;
    const started = performance.now();
    await generateDolibarrRows(db, bakery, seed.users.admin, size);
    await db.raw('vacuum analyze');
    const generatedMs = performance.now() - started;
    running = await servePortalBeside(
      host,
      createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, dataRoot: host.dataRoot, actingUserId: seed.users.admin, tickets: true }),
    );
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', show_tickets: true, show_projects: true })
      .onConflict('workspace_id')
      .merge();
    // The background pass a running portal makes every few minutes, here once.
    const passStarted = performance.now();
    await running.portal.clientNotifications.hostNews();
    console.log(
      `beside Dolibarr, ${describeSize(size)}: generated in ${(generatedMs / 1000).toFixed(1)} s, first host-news pass ${((performance.now() - passStarted) / 1000).toFixed(1)} s`,
    );
    const agent = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
    const portal = running;
    return {
      agent,
      base: `/portal/${seed.workspaceSlug}`,
      db,
      paths: {
        dashboard: '/',
        'dashboard after a change': '/',
        'invoice list': '/invoices',
        'an invoice': `/invoices/${await middleRecord(db, 'llx_facture', 'FA-SCALE-', bakery, size.heavy.invoices)}`,
        'proposal list': '/proposals',
        'a proposal': `/proposals/${await middleRecord(db, 'llx_propal', 'PR-SCALE-', bakery, size.heavy.proposals)}`,
        'ticket list': '/tickets', // the open tickets: the list's first tab
        'all tickets': '/tickets?tab=all',
        'a ticket': `/tickets/${await middleRecord(db, 'llx_ticket', 'TS-SCALE-', bakery, size.heavy.tickets)}`,
        'project list': '/projects',
        'a project': `/projects/${await middleRecord(db, 'llx_projet', 'PJ-SCALE-', bakery, size.heavy.projects)}`,
      },
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

/** What each page shows of the generated rows, so no page is timed empty (the dashboards: its cards). */
const SHOWS: Record<PageName, string> = {
  dashboard: 'FA-SCALE-',
  'dashboard after a change': 'FA-SCALE-',
  'invoice list': 'FA-SCALE-',
  'an invoice': 'FA-SCALE-',
  'proposal list': 'PR-SCALE-',
  'a proposal': 'PR-SCALE-',
  'ticket list': 'TS-SCALE-',
  'all tickets': 'TS-SCALE-',
  'a ticket': 'Message 5 on TS-SCALE-',
  'project list': 'PJ-SCALE-',
  'a project': 'PJ-SCALE-',
};

const PAGES = [
  'dashboard',
  'dashboard after a change',
  'invoice list',
  'an invoice',
  'proposal list',
  'a proposal',
  'ticket list',
  'all tickets',
  'a ticket',
  'project list',
  'a project',
] as const;
type PageName = (typeof PAGES)[number];

/** The median time of one GET, over ROUNDS requests one after another; `before` runs untimed before each. */
async function medianMs(side: Side, page: PageName): Promise<number> {
  const path = `${side.base}${side.paths[page]}`;
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (page === 'dashboard after a change') await forgetKeptDashboards(side.db);
    const started = performance.now();
    const res = await side.agent.get(path);
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    if (i === 0 && !res.text.includes(SHOWS[page])) throw new Error(`GET ${path} shows no "${SHOWS[page]}"`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export interface HostScaleRow {
  host: string;
  page: string;
  demoMs: number;
  realMs: number;
}

const TARGET_MS = 50;
const TARGET_RATIO = 1.5;

async function measure(host: string, demo: Side, real: Side): Promise<HostScaleRow[]> {
  const rows: HostScaleRow[] = [];
  for (const page of PAGES) {
    await medianMs(demo, page);
    await medianMs(real, page);
    const [a, b, c, d] = [await medianMs(demo, page), await medianMs(real, page), await medianMs(real, page), await medianMs(demo, page)];
    const row = { host, page, demoMs: (a + d) / 2, realMs: (b + c) / 2 };
    rows.push(row);
    const ratio = row.realMs / row.demoMs;
    const met = row.realMs <= TARGET_MS && ratio <= TARGET_RATIO;
    console.log(
      `${host}, ${page}: p50 ${row.demoMs.toFixed(2)} ms at the demo's size, ${row.realMs.toFixed(2)} ms at real size: ${ratio.toFixed(2)} × ` +
        `(targets ≤ ${TARGET_MS} ms and ≤ ${TARGET_RATIO} ×: ${met ? 'met' : 'NOT met'})`,
    );
  }
  return rows;
}

const rows: HostScaleRow[] = [];
const why = ticketModuleUnavailable();
if (why) console.log(`beside Dolibarr: not measured, ${why}`);
else {
  const sides: Side[] = [];
  try {
    const demo = await dolibarrSide(DEMO);
    sides.push(demo);
    const real = await dolibarrSide(REAL);
    sides.push(real);
    rows.push(...(await measure('beside Dolibarr', demo, real)));
  } finally {
    for (const side of sides) await side.close();
  }
}

// For bench/run.ts, which puts the rows in BENCHMARKS.md.
console.log(`HOST_SCALE_ROWS ${JSON.stringify({ scale: SCALE, real: REAL, demo: DEMO, rows })}`);
process.exit(0);
