// Every client list and record page beside Dolibarr and beside Alga PSA holding a real agency's
// CRM, against the same pages at the demo's size, measured in one run. For each host two databases
// on one server, the same seed, each with rows generated in the host's own tables
// (generate_series, the codes and columns the host writes):
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
// Then one view more at real size, its statements run again under EXPLAIN ANALYZE (plansOf): the
// plans that started parallel workers and the statements JIT would compile, which a timing at one
// size does not show.
// Prints what each side's background pass costs (the first, which fills the portal's order tables,
// and the next), one line per page with its p50 at both sizes, the ratio, the targets (≤ 50 ms
// p50, ≤ 1.5 × the demo's) and the plans, then the rows as JSON for bench/run.ts
// (`npm run bench -- --only=host-scale`).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/host-scale.ts
//   HOST_SCALE=0.1 ...    a tenth of the real size (the demo's stays as it is)
//   HOST_SCALE_ROUNDS=30  requests per median (default 40)
//   HOST_SCALE_HOST=alga  one host only: dolibarr or alga (default both)
//
// Needs a PostgreSQL server and the hosts' schemas at ../shared/crm-schemas (or CRM_SCHEMAS_DIR):
// they load with psql. Generating the real size takes a few minutes (about 1 beside Dolibarr, 3
// beside Alga PSA).
import request from 'supertest';
import type { Knex } from 'knex';
import pg from 'pg';
import { createDolibarrAdapter } from '../plugins/dolibarr/adapter.ts';
import { portalBesideAlga, startAlgaHost, unavailable as algaUnavailable, type AlgaHost } from '../test/alga-psa/alga-host.ts';
import { CLAIRE_PASSWORD as ALGA_CLAIRE_PASSWORD } from '../test/alga-psa/seed.ts';
import { hashPassword } from '../src/core/crypto/secrets.ts';
import { dropDatabasesOfRun } from '../test/support/database.ts';
import { forgetKeptDashboards } from '../test/support/kept-dashboards.ts';
import { analyzed, gathers, recordedDuring } from '../test/support/plans.ts';
import { signedInAgent } from '../test/support/portal-harness.ts';
import { hostNewsPass, type PortalOnHost } from '../test/support/portal-on-host.ts';
import {
  insertClaireLogin,
  insertTicketInstallRows,
  servePortalBeside,
  startDolibarrHost,
  ticketModuleUnavailable,
  type DolibarrHost,
} from '../test/dolibarr/dolibarr-host.ts';
import { upperMedian } from './median.ts';

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

/** One page to time: its name, its path on this side, and a text it must show of the generated rows. */
interface Page {
  name: string;
  path: string;
  shows: string;
  /** Each request the first after a change: the client's kept dashboard dropped before it. */
  afterChange?: boolean;
}

interface Side {
  agent: ReturnType<typeof request.agent>;
  base: string;
  db: Knex;
  /** The database's URL, to plan a page's statements again on a connection of their own. */
  databaseUrl: string;
  /** The same pages, in the same order, on both sides of a host. */
  pages: Page[];
  close(): Promise<void>;
}

/** The client's lists, their record pages and the dashboard, as each host names them. */
function pagesOf(records: {
  invoice: string;
  offerList: string;
  offerName: string;
  offer: string;
  ticket: string;
  project: string;
  refs: { invoice: string; offer: string; ticket: string; message: string; project: string };
}): Page[] {
  const { refs } = records;
  return [
    { name: 'dashboard', path: '/', shows: refs.invoice },
    { name: 'dashboard after a change', path: '/', shows: refs.invoice, afterChange: true },
    { name: 'invoice list', path: '/invoices', shows: refs.invoice },
    { name: 'an invoice', path: `/invoices/${records.invoice}`, shows: refs.invoice },
    { name: `${records.offerName} list`, path: records.offerList, shows: refs.offer },
    { name: `a ${records.offerName}`, path: `${records.offerList}/${records.offer}`, shows: refs.offer },
    // The open tickets: the list's first tab.
    { name: 'ticket list', path: '/tickets', shows: refs.ticket },
    { name: 'all tickets', path: '/tickets?tab=all', shows: refs.ticket },
    { name: 'a ticket', path: `/tickets/${records.ticket}`, shows: refs.message },
    { name: 'project list', path: '/projects', shows: refs.project },
    { name: 'a project', path: `/projects/${records.project}`, shows: refs.project },
  ];
}

const PASSWORD = 'Claire-portal-2026';

/**
 * The background pass a running portal makes every few minutes (the host-news read, which fills
 * the portal's order tables), here twice: the first fill, then a pass with nothing changed, the
 * cost of every later one. Printed with the time the rows took to generate.
 */
async function passes(host: string, size: HostSize, generatedMs: number, db: Knex, running: PortalOnHost): Promise<void> {
  const first = performance.now();
  await running.portal.clientNotifications.hostNews();
  const firstMs = performance.now() - first;
  const next = performance.now();
  await hostNewsPass(db, running);
  const nextMs = performance.now() - next;
  console.log(
    `${host}, ${describeSize(size)}: generated in ${(generatedMs / 1000).toFixed(1)} s; host-news pass ${(firstMs / 1000).toFixed(1)} s the first, ${(nextMs / 1000).toFixed(1)} s the next`,
  );
}

// ---- Beside Dolibarr ---------------------------------------------------------------------------

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
      createDolibarrAdapter(db, {
        workspaceSlug: seed.workspaceSlug,
        dataRoot: host.dataRoot,
        actingUserId: seed.users.admin,
        tickets: true,
      }),
    );
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', show_tickets: true, show_projects: true })
      .onConflict('workspace_id')
      .merge();
    await passes('beside Dolibarr', size, generatedMs, db, running);
    const agent = await signedInAgent(request.agent(running.url), seed.workspaceSlug, {
      email: 'claire@martin.example',
      password: PASSWORD,
    });
    const portal = running;
    return {
      agent,
      base: `/portal/${seed.workspaceSlug}`,
      db,
      databaseUrl: host.database.url,
      pages: pagesOf({
        invoice: String(await middleRecord(db, 'llx_facture', 'FA-SCALE-', bakery, size.heavy.invoices)),
        offerList: '/proposals',
        offerName: 'proposal',
        offer: String(await middleRecord(db, 'llx_propal', 'PR-SCALE-', bakery, size.heavy.proposals)),
        ticket: String(await middleRecord(db, 'llx_ticket', 'TS-SCALE-', bakery, size.heavy.tickets)),
        project: String(await middleRecord(db, 'llx_projet', 'PJ-SCALE-', bakery, size.heavy.projects)),
        refs: { invoice: 'FA-SCALE-', offer: 'PR-SCALE-', ticket: 'TS-SCALE-', message: 'Message 5 on TS-SCALE-', project: 'PJ-SCALE-' },
      }),
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

// ---- Beside Alga PSA ---------------------------------------------------------------------------

/**
 * The same rows in Alga's tables, in Alga's codes: clients; invoices sent, paid or cancelled;
 * quotes sent, accepted, rejected, expired or converted; tickets on a board of their own, open
 * ("New") or closed, each message a published thread of its own (a thread and its root comment, as
 * TicketModel.createComment writes them); projects in progress. Row g's client is chosen as
 * beside Dolibarr, through a numbering of the generated clients kept for the transaction.
 */
async function generateAlgaRows(db: Knex, tenant: string, bakery: string, users: { admin: string; tech: string }, size: HostSize) {
  await db.transaction(async (trx) => {
    await trx.raw(
      `insert into clients (tenant, client_name, is_inactive, default_currency_code, billing_cycle, client_type)
       select ?, 'Scale client ' || g, false, 'USD', 'monthly', 'company' from generate_series(1, ?) g`,
      [tenant, size.companies],
    );
    await trx.raw(
      `create temporary table scale_clients on commit drop as
         select client_id, (row_number() over (order by client_name) - 1)::int as n from clients
          where tenant = ? and client_name like 'Scale client %'`,
      [tenant],
    );
    await trx.raw('create unique index on scale_clients (n)');
    // The client of row g: the bakery while g is within `heavy`, else a generated one.
    const client = (heavy: number) =>
      `case when g <= ${heavy} then '${bakery}'::uuid else (select c.client_id from scale_clients c where c.n = g % ${size.companies}) end`;
    const day = `timestamptz '2016-01-01 00:00:00Z' + (g % 3650) * interval '1 day'`;
    await trx.raw(
      `insert into invoices (tenant, client_id, invoice_number, invoice_date, due_date, subtotal, tax, total_amount,
                             status, currency_code, is_manual, invoice_type, finalized_at, created_at, updated_at)
       select ?, ${client(size.heavy.invoices)}, 'INV-SCALE-' || g, d, d + interval '30 days', 10000, 800, 10800,
              case when g % 100 = 0 then 'sent' when g % 4 = 0 then 'cancelled' else 'paid' end, 'USD', true, 'standard', d, d, d
         from generate_series(1, ?) g, lateral (select ${day} as d) day`,
      [tenant, size.invoices],
    );
    await trx.raw(
      `insert into quotes (tenant, client_id, quote_number, title, status, version, quote_date, valid_until, subtotal, tax,
                           total_amount, currency_code, is_template, sent_at, accepted_at, rejected_at, expired_at, converted_at,
                           created_by, updated_by, created_at, updated_at)
       select ?, ${client(size.heavy.proposals)}, 'Q-SCALE-' || g, 'Work ' || g, s, 1, d, d + interval '30 days', 10000, 800, 10800,
              'USD', false, d,
              case when s in ('accepted', 'converted') then d + interval '2 days' end,
              case when s = 'rejected' then d + interval '2 days' end,
              case when s = 'expired' then d + interval '30 days' end,
              case when s = 'converted' then d + interval '3 days' end,
              ?, ?, d, d
         from generate_series(1, ?) g,
              lateral (select ${day} as d,
                              case when g % 100 = 0 then 'sent' else (array['accepted', 'rejected', 'expired', 'converted'])[1 + g % 4] end as s) q`,
      [tenant, users.admin, users.admin, size.proposals],
    );
    const [board] = await trx('boards')
      .insert({ tenant, board_name: 'Scale support', is_default: true, display_order: 1 })
      .returning<Array<{ board_id: string }>>('board_id');
    const status = async (name: string, is_closed: boolean, order_number: number) =>
      (
        await trx('statuses')
          .insert({
            tenant,
            board_id: board!.board_id,
            name,
            status_type: 'ticket',
            item_type: 'ticket',
            order_number,
            is_closed,
            is_default: !is_closed,
            created_by: users.admin,
          })
          .returning<Array<{ status_id: string }>>('status_id')
      )[0]!.status_id;
    const [open, closed] = [await status('New', false, 1), await status('Closed', true, 2)];
    const [priority] = await trx('priorities')
      .insert({ tenant, priority_name: 'Medium', order_number: 1, item_type: 'ticket', created_by: users.admin })
      .returning<Array<{ priority_id: string }>>('priority_id');
    await trx.raw(
      `insert into tickets (tenant, ticket_number, title, client_id, status_id, is_closed, closed_at, board_id, priority_id, entered_by,
                            entered_at, updated_at, source, ticket_origin, attributes)
       select ?, 'TIC-SCALE-' || g, 'Question ' || g, ${client(size.heavy.tickets)}, case when open then ?::uuid else ?::uuid end, not open,
              case when not open then d + interval '2 days' end, ?, ?, ?, d, d + interval '2 days', 'web_app', 'internal',
              jsonb_build_object('description', 'Something to look at, number ' || g)
         from generate_series(1, ?) g,
              lateral (select ${day} + (g % 86400) * interval '1 second' as d, g % 20 = 0 as open) t`,
      [tenant, open, closed, board!.board_id, priority!.priority_id, users.tech, size.tickets],
    );
    // Each message: a thread and its root comment, their ids made from the ticket's and the message's number.
    await trx.raw(
      `insert into comment_threads (tenant, thread_id, ticket_id, root_comment_id, is_internal, last_activity_at, created_at, created_by)
       select t.tenant, md5('thread ' || t.ticket_id || ' ' || k)::uuid, t.ticket_id, md5('comment ' || t.ticket_id || ' ' || k)::uuid, false,
              t.entered_at + k * interval '3 hours', t.entered_at + k * interval '3 hours', ?
         from tickets t cross join generate_series(1, ?) k
        where t.tenant = ? and t.ticket_number like 'TIC-SCALE-%'`,
      [users.tech, size.messagesPerTicket, tenant],
    );
    await trx.raw(
      `insert into comments (tenant, comment_id, ticket_id, thread_id, user_id, note, is_internal, is_resolution, author_type,
                             publish_state, created_at, updated_at)
       select th.tenant, th.root_comment_id, th.ticket_id, th.thread_id, ?,
              'Message ' || row_number() over (partition by th.ticket_id order by th.created_at) || ' on ' || t.ticket_number,
              false, false, 'internal', 'published', th.created_at, th.created_at
         from comment_threads th join tickets t on t.tenant = th.tenant and t.ticket_id = th.ticket_id
        where th.tenant = ? and t.ticket_number like 'TIC-SCALE-%'`,
      [users.tech, tenant],
    );
    const projectStatus = await trx('statuses').where({ tenant, item_type: 'project' }).first<{ status_id: string }>('status_id');
    await trx.raw(
      `insert into projects (tenant, client_id, project_name, status, wbs_code, project_number, is_inactive, client_portal_config,
                             created_at, updated_at)
       select ?, ${client(size.heavy.projects)}, 'Project ' || g, ?, '9' || g, 'PRJ-SCALE-' || g, false,
              '{"show_tasks": true, "show_phases": false, "show_budget_hours": false, "visible_task_fields": ["task_name", "due_date", "status"], "show_phase_completion": false}'::jsonb,
              d, d
         from generate_series(1, ?) g, lateral (select ${day} as d) p`,
      [tenant, projectStatus!.status_id, size.projects],
    );
  });
}

/** A record of the bakery from the middle of its generated history, by its number. */
async function middleAlgaRecord(
  db: Knex,
  table: string,
  id: string,
  number: string,
  prefix: string,
  args: { tenant: string; bakery: string; heavy: number },
) {
  const row = await db(table)
    .where({ tenant: args.tenant, client_id: args.bakery })
    .whereLike(number, `${prefix}%`)
    .orderBy(number)
    .offset(Math.floor(args.heavy / 2))
    .first<Record<string, string> | undefined>(id);
  if (!row) throw new Error(`no ${table} row of the bakery`);
  return row[id]!;
}

async function algaSide(size: HostSize): Promise<Side> {
  const host: AlgaHost = await startAlgaHost({ portalTables: true });
  let running: PortalOnHost | undefined;
  try {
    const { db, seed } = host;
    const { tenant } = seed;
    const bakery = seed.clients.bakery;
    const started = performance.now();
    await generateAlgaRows(db, tenant, bakery, seed.users, size);
    await db.raw('vacuum analyze');
    const generatedMs = performance.now() - started;
    const beside = await portalBesideAlga(host, { serve: true });
    running = beside.running;
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: tenant, show_tickets: true, show_projects: true })
      .onConflict('workspace_id')
      .merge();
    const agent = await signedInAgent(request.agent(running.url), beside.slug, {
      email: 'claire@harbor.example',
      password: ALGA_CLAIRE_PASSWORD,
    });
    // The background pass (after the sign-in: it reads the workspaces that have someone to tell).
    await passes('beside Alga PSA', size, generatedMs, db, running);
    const of = { tenant, bakery };
    const portal = running;
    return {
      agent,
      base: `/portal/${beside.slug}`,
      db,
      databaseUrl: host.database.url,
      pages: pagesOf({
        invoice: await middleAlgaRecord(db, 'invoices', 'invoice_id', 'invoice_number', 'INV-SCALE-', {
          ...of,
          heavy: size.heavy.invoices,
        }),
        offerList: '/quotations',
        offerName: 'quotation',
        offer: await middleAlgaRecord(db, 'quotes', 'quote_id', 'quote_number', 'Q-SCALE-', { ...of, heavy: size.heavy.proposals }),
        ticket: await middleAlgaRecord(db, 'tickets', 'ticket_id', 'ticket_number', 'TIC-SCALE-', { ...of, heavy: size.heavy.tickets }),
        project: await middleAlgaRecord(db, 'projects', 'project_id', 'project_number', 'PRJ-SCALE-', {
          ...of,
          heavy: size.heavy.projects,
        }),
        refs: { invoice: 'INV-SCALE-', offer: 'Q-SCALE-', ticket: 'TIC-SCALE-', message: 'Message 5 on TIC-SCALE-', project: 'Project ' },
      }),
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

// ---- The run -----------------------------------------------------------------------------------

/** The median time of one GET, over ROUNDS requests one after another. */
async function medianMs(side: Side, page: Page): Promise<number> {
  const path = `${side.base}${page.path}`;
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (page.afterChange) await forgetKeptDashboards(side.db);
    const started = performance.now();
    const res = await side.agent.get(path);
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    if (i === 0 && !res.text.includes(page.shows)) throw new Error(`GET ${path} shows no "${page.shows}"`);
  }
  return upperMedian(times);
}

/** What PostgreSQL plans for one view of a page at real size (`plansOf`). */
interface PagePlans {
  /** Statements planned: each read and write the view sent. */
  statements: number;
  /** Plans that started parallel workers (a Gather that ran), of each statement's plan for its values and its generic plan. */
  parallel: number;
  /** Statements priced past jit_above_cost in a transaction that left JIT on: each compiled before it runs. */
  compiled: number;
}

/**
 * The statements one view of the page sends, recorded where pg sends them, each run again under
 * EXPLAIN ANALYZE in a transaction rolled back: for its values, and, for a named one, as the
 * generic plan it may come to after five runs. What the timings cannot show at one size: a plan
 * that starts parallel workers (tens of ms on two cores, each worker opening the tables again, to
 * read what an index serves; a Gather in a branch that did not run is not counted) or one priced
 * past jit_above_cost, which PostgreSQL compiles before running it (110 ms for a read of 1 ms,
 * once, beside Dolibarr). A transaction that turns JIT off for itself (`set local jit = off`) is
 * followed on its connection.
 */
async function plansOf(side: Side, page: Page): Promise<PagePlans> {
  if (page.afterChange) await forgetKeptDashboards(side.db);
  const { result: res, recorded } = await recordedDuring(() => side.agent.get(`${side.base}${page.path}`));
  if (res.status !== 200) throw new Error(`GET ${page.path} answered ${res.status}`);
  // Each connection's `set local jit = off`, followed to the end of its transaction.
  const jitOff = new Set<object>();
  const sent = recorded.flatMap((statement) => {
    const sql = statement.sql.trim().toLowerCase();
    if (/^(begin|start transaction|commit|rollback)\b/.test(sql)) jitOff.delete(statement.connection);
    else if (/^set local jit\s*(=|to)\s*off\b/.test(sql)) jitOff.add(statement.connection);
    else if (/^(select|with|insert|update|delete)\b/.test(sql)) return [{ ...statement, jitOff: jitOff.has(statement.connection) }];
    return [];
  });
  const pool = new pg.Pool({ connectionString: side.databaseUrl, max: 1 });
  try {
    const settings = await pool.query<{ jit: string; threshold: string }>(
      "select current_setting('jit') as jit, current_setting('jit_above_cost') as threshold",
    );
    const jitOn = settings.rows[0]!.jit === 'on';
    const threshold = Number(settings.rows[0]!.threshold);
    let parallel = 0;
    let compiled = 0;
    for (const statement of sent) {
      const text = statement.sql.replace(/\s+/g, ' ').slice(0, 160);
      const plans = [await analyzed(pool, statement)];
      // PostgreSQL keeps a plan for any values only for a named statement. One whose values do not
      // read back as SQL literals is said, not counted: the run goes on.
      if (statement.named && statement.bindings.length > 0) {
        await analyzed(pool, statement, { generic: true }).then(
          (plan) => plans.push(plan),
          (error: Error) => console.log(`  (no generic plan of ${text}: ${error.message})`),
        );
      }
      const withWorkers = plans.filter((plan) => gathers(plan, { ran: true }) > 0).length;
      parallel += withWorkers;
      if (withWorkers > 0) console.log(`  ${page.name}: parallel workers started in ${withWorkers} plan(s) of ${text}`);
      if (jitOn && !statement.jitOff && plans.some((plan) => (plan['Total Cost'] ?? 0) > threshold)) {
        compiled++;
        console.log(`  ${page.name}: compiled by JIT: ${text}`);
      }
    }
    return { statements: sent.length, parallel, compiled };
  } finally {
    await pool.end();
  }
}

export interface HostScaleRow extends PagePlans {
  host: string;
  page: string;
  demoMs: number;
  realMs: number;
}

const TARGET_MS = 50;
const TARGET_RATIO = 1.5;

async function measure(host: string, demo: Side, real: Side): Promise<HostScaleRow[]> {
  const rows: HostScaleRow[] = [];
  for (const [i, page] of demo.pages.entries()) {
    const other = real.pages[i]!;
    await medianMs(demo, page);
    await medianMs(real, other);
    const [a, b, c, d] = [await medianMs(demo, page), await medianMs(real, other), await medianMs(real, other), await medianMs(demo, page)];
    const row = { host, page: page.name, demoMs: (a + d) / 2, realMs: (b + c) / 2, ...(await plansOf(real, other)) };
    rows.push(row);
    const ratio = row.realMs / row.demoMs;
    const met = row.realMs <= TARGET_MS && ratio <= TARGET_RATIO;
    console.log(
      `${host}, ${page.name}: p50 ${row.demoMs.toFixed(2)} ms at the demo's size, ${row.realMs.toFixed(2)} ms at real size: ${ratio.toFixed(2)} × ` +
        `(targets ≤ ${TARGET_MS} ms and ≤ ${TARGET_RATIO} ×: ${met ? 'met' : 'NOT met'}); at real size ${row.statements} statements, ` +
        `${row.parallel} plans started parallel workers, ${row.compiled} compiled by JIT`,
    );
  }
  return rows;
}

/** The demo's side and the real size's, of one host, one at a time: the machine holds two databases. */
async function measureHost(host: string, side: (size: HostSize) => Promise<Side>): Promise<HostScaleRow[]> {
  const sides: Side[] = [];
  try {
    sides.push(await side(DEMO));
    sides.push(await side(REAL));
    return await measure(host, sides[0]!, sides[1]!);
  } finally {
    for (const opened of sides) await opened.close();
    // The hosts' template databases (test/support/host-template.ts), which outlive the sides.
    await dropDatabasesOfRun();
  }
}

const ONLY = process.env.HOST_SCALE_HOST;
if (ONLY !== undefined && ONLY !== 'dolibarr' && ONLY !== 'alga') throw new Error('HOST_SCALE_HOST is dolibarr or alga');
const rows: HostScaleRow[] = [];
const dolibarrWhy = ticketModuleUnavailable();
if (ONLY === 'alga') {
  // left out by HOST_SCALE_HOST
} else if (dolibarrWhy) console.log(`beside Dolibarr: not measured, ${dolibarrWhy}`);
else rows.push(...(await measureHost('beside Dolibarr', dolibarrSide)));
const algaWhy = algaUnavailable();
if (ONLY === 'dolibarr') {
  // left out by HOST_SCALE_HOST
} else if (algaWhy) console.log(`beside Alga PSA: not measured, ${algaWhy}`);
else rows.push(...(await measureHost('beside Alga PSA', algaSide)));

// For bench/run.ts, which puts the rows in BENCHMARKS.md.
console.log(`HOST_SCALE_ROWS ${JSON.stringify({ scale: SCALE, real: REAL, demo: DEMO, rows })}`);
process.exit(0);
