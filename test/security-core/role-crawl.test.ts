// A crawl of the portal per role, on the seeded demo. Northwind's Maria García is client admin and
// owns an upload; her colleague Tom Becker signs in as each built-in role in turn (admin, full,
// billing, member) and as a person with overrides (full, with invoices and uploads hidden from him).
// For each, the crawl follows every link, fragment, preview, PDF and GET form the portal shows him,
// reads his live stream from its first event, his data export's ZIP and the emails sent to him,
// and asserts that no number, title or file name of a record he may not open appears anywhere: the
// records of a section his access hides (the proposal the CRM attached a document to, an invoice a
// document and a task belong to, the company's support tickets and the file Maria attached to one)
// and every other company's, and never the agency's internal note on a ticket. Then it sends every state-changing
// route whose declared action rule (routeTable's actionRule) he lacks the right for, and deleting
// Maria's upload, and asserts each is refused (403 or 404) with nothing changed. It prints, per
// role, the pages, PDFs, live events, emails and forms it saw and the POSTs it tried.
import { expect } from 'chai';
import { insertApproval } from '../../plugins/reference-crm/queries/approvals.ts';
import { homepageDesign } from '../../plugins/reference-crm/seed-approvals.ts';
import { inflateSync } from 'node:zlib';
import type { Knex } from 'knex';
import { ensureDemoClientLogins } from '../../src/index.ts';
import { effectiveSettings, type ClientAccess, type BuiltInRole } from '../../src/core/policies/client-access.ts';
import { DEFAULT_SETTINGS, type PortalSettings } from '../../src/core/settings/portal-settings.ts';
import { demoNorthwind, demoWorkspaceId, type DemoClient } from '../support/demo-records.ts';
import { csrfFrom, postPasswordSignIn, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { smallPdf } from '../support/upload-fixtures.ts';
import { insertServiceRequest } from '../../plugins/reference-crm/queries/service-requests.ts';
import { ensureSeedContract } from '../../plugins/reference-crm/queries/contracts.ts';
import { unzip } from '../support/unzip.ts';

const BASE = '/portal/demo';
const PASSWORD = 'crawl-password-2026';
const MAX_PAGES = 250;

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

interface Persona {
  name: string;
  role: BuiltInRole;
  denied: string[];
}

const PERSONAS: Persona[] = [
  { name: 'admin', role: 'admin', denied: [] },
  { name: 'full', role: 'full', denied: [] },
  { name: 'billing', role: 'billing', denied: [] },
  { name: 'member', role: 'member', denied: [] },
  { name: 'full, invoices and uploads hidden', role: 'full', denied: ['invoices', 'uploads'] },
  // Proposals still shown: a project's documents and its ref must not come through them or the Documents page.
  { name: 'full, projects hidden', role: 'full', denied: ['projects'] },
  // Help articles hidden: no title of one in the list, an article, or the new-ticket form's suggestions.
  { name: 'full, help articles hidden', role: 'full', denied: ['knowledge'] },
  // Orders hidden: no order number in the list, an order's page, its PDF, nor "order again".
  { name: 'full, orders hidden', role: 'full', denied: ['orders'] },
  // Contracts hidden: no contract, line or time entry of the company on any page.
  { name: 'full, contracts hidden', role: 'full', denied: ['contracts'] },
];

/** Whether a person's own settings hold a permission, read from the switch it narrows. */
function holds(settings: PortalSettings, permission: string): boolean {
  const switches: Record<string, boolean> = {
    proposals: settings.showProposals,
    invoices: settings.showInvoices,
    payments: settings.allowOnlinePayments && settings.showInvoices,
    tasks: settings.showTasks,
    projects: settings.showProjects,
    documents: settings.showDocuments,
    uploads: settings.allowFileUploads,
    comments: settings.allowComments,
    messages: settings.allowMessaging,
    tickets: settings.showTickets,
    knowledge: settings.showKnowledgeBase,
    requests: settings.showRequests,
    appointments: settings.showAppointments,
    approvals: settings.showApprovals,
    companyDetails: settings.allowCompanyDetailsEdit,
    orders: settings.showOrders,
    devices: settings.showDevices,
    contracts: settings.showContracts,
  };
  return switches[permission] ?? false;
}

/** The workspace's switches for the crawl: everything a client can see or do is on. */
const SETTINGS: PortalSettings = {
  ...DEFAULT_SETTINGS,
  allowFileUploads: true,
  showTickets: true,
  showRequests: true,
  showAppointments: true,
  showApprovals: true,
  allowCompanyDetailsEdit: true,
  showOrders: true,
  showDevices: true,
  showContracts: true,
  showTimeEntriesToClients: true,
};

interface HostRecord {
  type: 'proposal' | 'quotation' | 'invoice' | 'project';
  clientId: number;
  id: number;
  /** What may never show to whom may not open it: its number, its title, the files attached to it. */
  marks: string[];
}

const PERMISSION_OF_RECORD = { proposal: 'proposals', quotation: 'proposals', invoice: 'invoices', project: 'projects' } as const;

interface Counts {
  pages: number;
  fragments: number;
  pdfs: number;
  downloads: number;
  events: number;
  emails: number;
  exportFiles: number;
  formsShown: number;
  postsTried: number;
}

/** A PDF's text as far as a search can read it: the raw bytes and every Flate stream inflated. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const parts = [raw];
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) continue;
    try {
      parts.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // Not a Flate stream (an image): nothing to read.
    }
  }
  return parts.join('\n');
}

const binary = (res: { on(e: string, f: (c: Buffer) => void): void }, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

const decode = (url: string) =>
  url
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

describe('role crawl: a role hides a record everywhere, and a colleague changes only what is theirs', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let northwind: DemoClient;
  let maria: Agent;
  let mariaId: string;
  let tomId: string;
  let records: HostRecord[];
  let ids: {
    order: number;
    proposal: number;
    quotation: number;
    invoice: number;
    task: number;
    upload: string;
    ticket: number;
    approval: number;
  };
  /** Each company's tickets: their refs, subjects and the files attached to them. */
  let ticketMarks: Array<{ clientId: number; marks: string[] }>;
  /** The workspace's published client articles by title, and those no client may read (drafts, internal, another workspace's). */
  let articleMarks: { published: string[]; never: string[] };
  /** Each company's service and quote requests: what they wrote and the files they sent. */
  let requestMarks: Array<{ clientId: number; marks: string[] }>;
  /** Each company's appointments: the note each was booked with. */
  let appointmentMarks: Array<{ clientId: number; marks: string[] }>;
  /** Each company's work shared for approval: its title and the message with its version. */
  let approvalMarks: Array<{ clientId: number; marks: string[] }>;
  /** Each company's orders: their numbers, and the draft a client asked for again. */
  let orderMarks: Array<{ clientId: number; marks: string[] }>;
  /** Each company's devices: their serial numbers and asset tags. */
  let deviceMarks: Array<{ clientId: number; marks: string[] }>;
  /** Each company's contracts: their names, numbers and the work recorded against them. */
  let contractMarks: Array<{ clientId: number; marks: string[] }>;
  /** What the agency wrote only for its staff: never shown to any client. */
  const INTERNAL_NOTE = 'SMTP password rotated last week';
  const summary: string[] = [];

  /** What must not show to a person with these settings: Northwind's records they may not open, and every other company's. */
  const secretsFor = (settings: PortalSettings): string[] =>
    records
      .filter((r) => r.clientId !== northwind.id || !holds(settings, PERMISSION_OF_RECORD[r.type]))
      .flatMap((r) => r.marks)
      .concat(ticketMarks.filter((x) => x.clientId !== northwind.id || !holds(settings, 'tickets')).flatMap((x) => x.marks))
      .concat(holds(settings, 'knowledge') ? [] : articleMarks.published)
      .concat(articleMarks.never)
      .concat(requestMarks.filter((x) => x.clientId !== northwind.id || !holds(settings, 'requests')).flatMap((x) => x.marks))
      .concat(appointmentMarks.filter((x) => x.clientId !== northwind.id || !holds(settings, 'appointments')).flatMap((x) => x.marks))
      .concat(approvalMarks.filter((x) => x.clientId !== northwind.id || !holds(settings, 'approvals')).flatMap((x) => x.marks))
      .concat(orderMarks.filter((x) => x.clientId !== northwind.id || !holds(settings, 'orders')).flatMap((x) => x.marks))
      .concat(deviceMarks.filter((x) => x.clientId !== northwind.id || !holds(settings, 'devices')).flatMap((x) => x.marks))
      .concat(contractMarks.filter((x) => x.clientId !== northwind.id || !holds(settings, 'contracts')).flatMap((x) => x.marks))
      .concat([INTERNAL_NOTE])
      // Another company's own details (its Company page is its people's alone).
      .concat(['12 Camden Row', '88 Pier Avenue']);

  /** The portal's tables and the CRM's records a client can change, as one digest per table. */
  const snapshot = async (): Promise<Record<string, string>> => {
    const tables = (
      await db.raw<{ rows: Array<{ table_name: string }> }>(
        `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
      )
    ).rows
      .map((r) => r.table_name)
      // What every request writes: sessions, the log of who opened what, throttles and live events;
      // and the notification worker's dispatch marks, which it writes in the background for what
      // the crawl did before (its data export), whenever its timer fires.
      .filter((t) => !/session|activity|rate_limit|request_guard|live_event|knex|outbox|metrics|notification_dispatch|crm_/.test(t))
      .sort();
    const digests = await db.raw<{ rows: Array<{ t: string; d: string | null }> }>(
      tables.map((t) => `select '${t}' as t, md5(string_agg(x::text, '|' order by x::text)) as d from "${t}" x`).join(' union all '),
    );
    return Object.fromEntries(digests.rows.map((r) => [r.t, r.d ?? '']));
  };

  before(async function () {
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = String(await demoWorkspaceId(db));
    northwind = await demoNorthwind(db);
    await db('workspace_client_portal_settings')
      .insert({
        workspace_id: workspaceId,
        allow_file_uploads: true,
        show_tickets: true,
        show_requests: true,
        show_appointments: true,
        show_approvals: true,
        allow_company_details_edit: true,
        show_orders: true,
        show_devices: true,
        show_contracts: true,
        show_time_entries_to_clients: true,
      })
      .onConflict('workspace_id')
      .merge({
        allow_file_uploads: true,
        show_tickets: true,
        show_requests: true,
        show_appointments: true,
        show_approvals: true,
        allow_company_details_edit: true,
        show_orders: true,
        show_devices: true,
        show_contracts: true,
        show_time_entries_to_clients: true,
      });
    // Saved payment methods and autopay offered, so their page is crawled too.
    await db('portal_payment_settings')
      .insert({ workspace_id: workspaceId, online_provider: 'demo', autopay_allowed: true })
      .onConflict('workspace_id')
      .merge(['online_provider', 'autopay_allowed']);
    await h.crm.portal.workspaceChanged(workspaceId);

    const mariaLogin = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    mariaId = (await db('client_users').where({ workspace_id: workspaceId, email: mariaLogin.email }).first('id')).id;
    await db('client_users').where({ workspace_id: workspaceId, id: mariaId }).update({ role: 'admin' });
    const tom = await db('contacts').where({ workspace_id: northwind.workspace_id, email: 'tom@northwind.test' }).first('id');
    await ensureDemoClientLogins(
      db,
      [{ workspaceId, clientId: String(northwind.id), contactId: String(tom.id), email: 'tom@northwind.test' }],
      PASSWORD,
    );
    tomId = (await db('client_users').where({ workspace_id: workspaceId, email: 'tom@northwind.test' }).first('id')).id;

    const ws = northwind.workspace_id;
    const invoice = await db('invoices').where({ workspace_id: ws, client_id: northwind.id, status: 'sent' }).first('id', 'number');
    // What the CRM attaches to an invoice: a shared document and a task, both naming it.
    await db('documents').insert({
      workspace_id: ws,
      client_id: northwind.id,
      filename: 'timesheet-for-the-invoice.pdf',
      content_type: 'application/pdf',
      size_bytes: smallPdf().length,
      content: smallPdf(),
      shared_with_client: true,
      record_type: 'invoice',
      record_id: invoice.id,
    });
    const [task] = await db('tasks')
      .insert({
        workspace_id: ws,
        client_id: northwind.id,
        title: 'Check the hours billed',
        status: 'open',
        record_type: 'invoice',
        record_id: invoice.id,
      })
      .returning('id');

    const attached = async (type: string, id: number) =>
      (
        await db('documents').where({ workspace_id: ws, record_type: type, record_id: id, shared_with_client: true }).select('filename')
      ).map((d: { filename: string }) => d.filename);
    records = [];
    for (const type of ['proposal', 'quotation', 'invoice'] as const) {
      const rows = await db(`${type}s`)
        .where({ workspace_id: ws })
        .select('id', 'client_id', 'number', ...(type === 'invoice' ? [] : ['title']));
      for (const row of rows)
        records.push({
          type,
          clientId: row.client_id,
          id: row.id,
          marks: [row.number, ...(row.title ? [row.title] : []), ...(await attached(type, row.id))],
        });
    }
    // A project by its ref (its title may be a proposal's too) and the documents shared for it.
    for (const row of await db('projects').where({ workspace_id: ws }).select('id', 'client_id', 'ref')) {
      records.push({ type: 'project', clientId: row.client_id, id: row.id, marks: [row.ref, ...(await attached('project', row.id))] });
    }
    const proposal = await db('proposals').where({ workspace_id: ws, client_id: northwind.id, status: 'sent' }).first('id');
    const quotation = await db('quotations').where({ workspace_id: ws, client_id: northwind.id }).first('id');

    // Maria's upload, her comments on the proposal and the invoice, and a message: what a colleague's
    // pages, live stream and emails could carry.
    maria = await signedInAgent(h.agent(), 'demo', mariaLogin);
    const token = csrfFrom((await maria.get(`${BASE}/documents`).expect(200)).text);
    await maria.post(`${BASE}/documents/uploads`).field('_csrf', token).attach('file', smallPdf(), 'maria-brief.pdf').expect(303);
    const upload = await db('client_uploads').where({ workspace_id: workspaceId, client_user_id: mariaId }).first('id');
    await maria
      .post(`${BASE}/proposals/${proposal.id}/comments`)
      .type('form')
      .send({ _csrf: token, body: 'Looks good to us.' })
      .expect(303);
    await maria
      .post(`${BASE}/invoices/${invoice.id}/comments`)
      .type('form')
      .send({ _csrf: token, body: 'Paid the rest today.' })
      .expect(303);
    await maria.post(`${BASE}/messages`).type('form').send({ _csrf: token, body: 'Hello from Northwind.' }).expect(303);
    // A ticket of Maria's with a file: what a colleague without tickets may not see.
    const ticketForm = csrfFrom((await maria.get(`${BASE}/tickets/new`).expect(200)).text);
    const opened = await maria
      .post(`${BASE}/tickets`)
      .field('_csrf', ticketForm)
      .field('subject', 'Crawl ticket about the shop window')
      .field('description', 'Please print the shop window poster.')
      .attach('attachments', smallPdf(), 'maria-window-poster.pdf')
      .expect(303);
    const ticketId = Number(String(opened.headers.location).split('/').pop());
    ticketMarks = [];
    for (const row of await db('tickets').where({ workspace_id: ws }).select('client_id', 'ref', 'subject')) {
      ticketMarks.push({ clientId: row.client_id, marks: [row.subject, ...(row.client_id === northwind.id ? [] : [row.ref])] });
    }
    ticketMarks.push({ clientId: northwind.id, marks: ['maria-window-poster.pdf'] });
    // "Reset your password" is also the portal's own words (its sign-in pages): the others mark the articles.
    const articles: Array<{ workspace_id: number; title: string; audience: string; status: string }> = await db('kb_articles').select(
      'workspace_id',
      'title',
      'audience',
      'status',
    );
    const readable = (a: (typeof articles)[number]) => a.workspace_id === ws && a.audience === 'client' && a.status === 'published';
    articleMarks = {
      published: articles.filter((a) => readable(a) && a.title !== 'Reset your password').map((a) => a.title),
      never: articles.filter((a) => !readable(a)).map((a) => a.title),
    };
    expect(articleMarks.published.length).to.be.greaterThan(3);
    expect(articleMarks.never.length).to.be.greaterThan(2);
    // A quote request of Maria's with a file, and one of another company's: what no one without
    // requests, and no one of another company, may see.
    const quote = await db('request_definitions').where({ workspace_id: ws, name: 'Request a quote for printing' }).first('id');
    const requestForm = csrfFrom((await maria.get(`${BASE}/requests/new/${quote.id}`).expect(200)).text);
    await maria
      .post(`${BASE}/requests/new/${quote.id}`)
      .field('_csrf', requestForm)
      .field('f_product', 'posters')
      .field('f_quantity', '120')
      .field('f_notes', 'Crawl request for the harbour festival posters')
      .attach('attachments', smallPdf(), 'maria-festival-artwork.pdf')
      .expect(303);
    const bluebell = await db('clients').where({ workspace_id: ws, name: 'Bluebell Bakery' }).first('id');
    const priya = await db('contacts').where({ workspace_id: ws, client_id: bluebell.id }).first('id');
    const foreign = await insertServiceRequest(db, {
      workspaceId: ws,
      definitionId: quote.id,
      clientId: bluebell.id,
      contactId: priya.id,
      title: 'Request a quote for printing',
      kind: 'quote',
      fields: [{ key: 'notes', type: 'textarea', label: 'Anything else', required: false }],
      payload: { notes: 'Bluebell wedding season flyers' },
    });
    requestMarks = [
      { clientId: northwind.id, marks: ['Crawl request for the harbour festival posters', 'maria-festival-artwork.pdf'] },
      { clientId: bluebell.id, marks: ['Bluebell wedding season flyers', foreign.ref] },
    ];
    // An appointment of Northwind's and one of another company's, a week ahead, each with a note of its own.
    const service = await db('appointment_services').where({ workspace_id: ws }).orderBy('id').first('id');
    const other = await db('contacts')
      .where({ workspace_id: ws })
      .whereNot({ client_id: northwind.id })
      .orderBy('id')
      .first('id', 'client_id');
    const mariaContact = await db('contacts').where({ workspace_id: ws, email: mariaLogin.email }).first('id');
    const inAWeek = new Date(Date.now() + 7 * 86_400_000);
    appointmentMarks = [];
    for (const [index, who] of [
      { clientId: northwind.id, contactId: mariaContact.id, note: 'Appointment note of Northwind for the crawl' },
      { clientId: other.client_id, contactId: other.id, note: 'Appointment note of another company for the crawl' },
    ].entries()) {
      const startsAt = new Date(inAWeek.getTime() + index * 3_600_000);
      await db('appointments').insert({
        workspace_id: ws,
        client_id: who.clientId,
        contact_id: who.contactId,
        service_id: service.id,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 30 * 60_000),
        note: who.note,
        time_zone: 'Europe/Berlin',
      });
      appointmentMarks.push({ clientId: who.clientId, marks: [who.note] });
    }
    // Work shared for approval with Northwind and with another company, each with a title and message of its own.
    const approvalStaff = await db('staff_users').where({ workspace_id: ws }).orderBy('id').first('id');
    approvalMarks = [];
    let northwindApproval = 0;
    for (const who of [
      { clientId: northwind.id, title: 'Approval title of Northwind for the crawl' },
      { clientId: other.client_id, title: 'Approval title of another company for the crawl' },
    ]) {
      const message = `${who.title}: its message`;
      const content = homepageDesign();
      const id = await db.transaction((trx) =>
        insertApproval(trx, {
          workspaceId: ws,
          clientId: who.clientId,
          title: who.title,
          file: { filename: 'crawl.png', contentType: 'image/png', content, sha256: 'c'.repeat(64), message, staffId: approvalStaff.id },
        }),
      );
      if (who.clientId === northwind.id) northwindApproval = id;
      approvalMarks.push({ clientId: who.clientId, marks: [who.title, message] });
    }
    orderMarks = (await db('orders').where({ workspace_id: ws }).select('client_id', 'number')).map((row) => ({
      clientId: row.client_id,
      marks: [row.number],
    }));
    const order = await db('orders').where({ workspace_id: ws, client_id: northwind.id }).orderBy('id').first('id');
    // Northwind's seeded devices, and one of another company's.
    await db('devices').insert({
      workspace_id: ws,
      client_id: other.client_id,
      name: 'Crawl device of another company',
      kind: 'server',
      serial_number: 'OTHER-SERIAL-4471',
    });
    deviceMarks = [
      { clientId: northwind.id, marks: ['SRV-7731-K', 'LT-20931'] },
      { clientId: other.client_id, marks: ['Crawl device of another company', 'OTHER-SERIAL-4471'] },
    ];
    // Northwind's seeded support contract, and one of Bluebell's with an entry of its own.
    const today = new Date().toISOString().slice(0, 10);
    await ensureSeedContract(db, ws, {
      clientId: bluebell.id,
      number: 'CT-CRAWL-BLUEBELL',
      name: 'Bluebell bakery care plan',
      description: '',
      status: 'active',
      startsOn: `${today.slice(0, 8)}01`,
      endsOn: null,
      lines: [
        {
          name: 'Bluebell oven hours',
          allowance: 5,
          entries: [{ day: today, amount: 1, description: 'Bluebell till repair for the crawl' }],
        },
      ],
    });
    contractMarks = [
      { clientId: northwind.id, marks: ['Website care and support', 'CT-2026-001', 'New landing page for the spring offer'] },
      { clientId: bluebell.id, marks: ['Bluebell bakery care plan', 'CT-CRAWL-BLUEBELL', 'Bluebell till repair for the crawl'] },
    ];
    ids = {
      order: order.id,
      proposal: proposal.id,
      quotation: quotation.id,
      invoice: invoice.id,
      task: task.id ?? task,
      upload: upload.id,
      ticket: ticketId,
      approval: northwindApproval,
    };
  });

  after(async function () {
    console.log(`      role crawl counts:\n${summary.map((line) => `        ${line}`).join('\n')}`);
    await h?.close();
  });

  for (const persona of PERSONAS) {
    it(`${persona.name}: no trace of a record they may not open, and every POST without the right refused`, async function () {
      await db('client_users')
        .where({ workspace_id: workspaceId, id: tomId })
        .update({ role: persona.role, denied_permissions: persona.denied, status: 'active' });
      const access: ClientAccess = { role: persona.role, customRole: null, clientDenied: [], personDenied: persona.denied };
      const settings = effectiveSettings(SETTINGS, access);
      const secrets = secretsFor(settings);
      expect(secrets.length).to.be.greaterThan(5);
      const counts: Counts = {
        pages: 0,
        fragments: 0,
        pdfs: 0,
        downloads: 0,
        events: 0,
        emails: 0,
        exportFiles: 0,
        formsShown: 0,
        postsTried: 0,
      };
      const leaks: string[] = [];
      const look = (where: string, text: string) => {
        for (const secret of secrets) if (text.includes(secret)) leaks.push(`${secret} in ${where}`);
      };

      h.smtp.clear();
      const signIn = await postPasswordSignIn(h.agent(), 'demo', { email: 'tom@northwind.test', password: PASSWORD });
      expect(signIn.status, 'sign-in').to.equal(303);
      const agent = h.agent();
      await signedInAgent(agent, 'demo', { email: 'tom@northwind.test', password: PASSWORD });

      // Pages, fragments, previews, PDFs and downloads: everything reachable by GET from the dashboard.
      const seen = new Set<string>();
      const forms = new Set<string>();
      const queue = [`${BASE}/`];
      const enqueue = (url: string) => {
        const u = decode(url);
        if (!u.startsWith(`${BASE}/`) || /\/(live|messages\/stream)(\?|$)/.test(u) || /sign-out|sign-in/.test(u)) return;
        if (!seen.has(u) && seen.size < MAX_PAGES) {
          seen.add(u);
          queue.push(u);
        }
      };
      seen.add(`${BASE}/`);
      while (queue.length > 0) {
        const url = queue.shift()!;
        for (const fragment of [false, true]) {
          const req = agent.get(url).buffer(true).parse(binary);
          const res = await (fragment ? req.set('HX-Request', 'true') : req);
          if (res.status >= 300 && res.status < 400 && res.headers.location) enqueue(res.headers.location);
          const type = String(res.headers['content-type'] ?? '');
          const body = res.body as Buffer;
          look(`${url} (headers)`, JSON.stringify(res.headers));
          if (type.includes('text/html')) {
            const html = body.toString('utf8');
            look(url, html);
            if (fragment) counts.fragments += 1;
            else counts.pages += 1;
            for (const m of html.matchAll(/(?:href|hx-get|src)="([^"]+)"/g)) enqueue(m[1]!);
            for (const m of html.matchAll(/<form\b([^>]*)>/g)) {
              const attrs = m[1]!;
              const action = decode(/action="([^"]*)"/.exec(attrs)?.[1] ?? url);
              if (/method="post"/i.test(attrs)) forms.add(action);
              else enqueue(action);
            }
          } else if (!fragment) {
            if (type.includes('pdf')) {
              counts.pdfs += 1;
              look(url, pdfText(body));
            } else if (res.status === 200) {
              counts.downloads += 1;
              look(url, body.toString('latin1'));
            }
          }
          if (!type.includes('text/html')) break;
        }
      }
      counts.formsShown = forms.size;
      for (const action of forms) look(`form ${action}`, action);

      // The live stream, from its first event (Last-Event-ID 0): every event the person is sent.
      const cookie = String(signIn.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
      for (const path of ['/live', '/messages/stream']) {
        const controller = new AbortController();
        const res = await fetch(`${h.crm.url}${BASE}${path}`, { headers: { cookie, 'Last-Event-ID': '0' }, signal: controller.signal });
        if (res.status !== 200 || !res.body) continue;
        const reader = res.body.getReader();
        let text = '';
        const stop = setTimeout(() => controller.abort(), 700);
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            text += Buffer.from(value).toString('utf8');
          }
        } catch {
          // Aborted: the stream was read for long enough.
        }
        clearTimeout(stop);
        counts.events += (text.match(/^event:/gm) ?? []).length;
        look(`live ${path}`, text);
      }

      // The person's data export, as a ZIP.
      const dataPage = await agent.get(`${BASE}/account/data`).expect(200);
      await agent
        .post(`${BASE}/account/data/export`)
        .type('form')
        .send({ _csrf: csrfFrom(dataPage.text) })
        .expect(303);
      await h.crm.portal.dataExports.run();
      const ready = await agent.get(`${BASE}/account/data`).expect(200);
      const href = /href="([^"]+\/download)"/.exec(ready.text)?.[1];
      expect(href, 'the export download').to.be.a('string');
      const zip = await unzip((await agent.get(href!).buffer(true).parse(binary).expect(200)).body as Buffer);
      counts.exportFiles = zip.size;
      for (const [name, content] of zip) look(`export ${name}`, `${name}\n${content.toString('utf8')}`);
      await db('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: tomId }).delete();

      // Every state-changing route whose declared rule the person lacks, and deleting Maria's upload.
      const token = csrfFrom((await agent.get(`${BASE}/account`).expect(200)).text);
      const fill = (path: string) =>
        path
          .replace(/^\/proposals\/:id/, `/proposals/${ids.proposal}`)
          .replace(/^\/quotations\/:id/, `/quotations/${ids.quotation}`)
          .replace(/^\/invoices\/:id/, `/invoices/${ids.invoice}`)
          .replace(':uploadId', ids.upload)
          .replace(':taskId', String(ids.task))
          .replace(':ticketId', String(ids.ticket))
          .replace(':approvalId', String(ids.approval))
          .replace(':orderId', String(ids.order))
          .replace(':clientUserId', mariaId)
          .replace(':paymentId', '00000000-0000-4000-8000-000000000000');
      const tries = h.crm.portal.routes.client.filter((route) => {
        const rule = route.actionRule;
        // Deleting Maria's upload is tried by everyone but a client admin, whatever the route declares.
        if (route.method === 'POST' && route.path === '/documents/uploads/:uploadId/delete') return persona.role !== 'admin';
        if (route.method !== 'POST' || !rule) return false;
        if (rule.owner === 'clientAdmin') return persona.role !== 'admin';
        if (rule.owner === 'own' && persona.role !== 'admin') return true;
        return rule.permission !== null && !holds(settings, rule.permission);
      });
      const before = await snapshot();
      const refusedWrongly: string[] = [];
      for (const route of tries) {
        const path = `${BASE}${fill(route.path)}`;
        const form = { _csrf: token, ...Object.fromEntries((route.bodyFields ?? []).map((f) => [f, 'member'])) };
        const res = await agent.post(path).type('form').send(form);
        counts.postsTried += 1;
        if (res.status !== 403 && res.status !== 404) refusedWrongly.push(`${res.status} POST ${path}`);
      }
      const after = await snapshot();
      const changed = Object.keys(before).filter((t) => before[t] !== after[t]);

      // Emails sent to him while he was this persona (the outbox is woken by each commit).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const mails = h.smtp.messages.filter((m) => m.to.includes('tom@northwind.test'));
      counts.emails = mails.length;
      for (const mail of mails) look(`email "${mail.subject}"`, `${mail.subject}\n${mail.text}\n${mail.html ?? ''}`);

      summary.push(
        `${persona.name}: ${counts.pages} pages, ${counts.fragments} fragments, ${counts.pdfs} PDFs, ${counts.downloads} downloads, ` +
          `${counts.events} live events, ${counts.emails} emails, ${counts.exportFiles} export files, ${counts.formsShown} forms shown, ` +
          `${counts.postsTried} POSTs tried`,
      );
      expect(counts.pages).to.be.greaterThan(5);
      expect([...new Set(leaks)], 'records they may not open').to.deep.equal([]);
      expect(refusedWrongly, 'POSTs answered other than 403 or 404').to.deep.equal([]);
      expect(changed, 'tables changed by refused POSTs').to.deep.equal([]);
      expect(await db('client_uploads').where({ workspace_id: workspaceId, id: ids.upload }).first('id'), "Maria's upload").to.not.equal(
        undefined,
      );
    });
  }

  it('the uploader and the client admin may still delete an upload', async function () {
    await db('client_users').where({ workspace_id: workspaceId, id: tomId }).update({ role: 'member', denied_permissions: [] });
    const tom = await signedInAgent(h.agent(), 'demo', { email: 'tom@northwind.test', password: PASSWORD });
    const token = csrfFrom((await tom.get(`${BASE}/documents`).expect(200)).text);
    await tom.post(`${BASE}/documents/uploads`).field('_csrf', token).attach('file', smallPdf(), 'tom-notes.pdf').expect(303);
    const toms = await db('client_uploads').where({ workspace_id: workspaceId, client_user_id: tomId }).first('id');
    const page = (await tom.get(`${BASE}/documents`).expect(200)).text;
    expect(page).to.contain(`/documents/uploads/${toms.id}/delete`);
    expect(page).not.to.contain(`/documents/uploads/${ids.upload}/delete`);
    await tom.post(`${BASE}/documents/uploads/${toms.id}/delete`).type('form').send({ _csrf: token }).expect(303);
    expect(await db('client_uploads').where({ workspace_id: workspaceId, id: toms.id }).first('id')).to.equal(undefined);
    const mariaToken = csrfFrom((await maria.get(`${BASE}/documents`).expect(200)).text);
    await maria.post(`${BASE}/documents/uploads/${ids.upload}/delete`).type('form').send({ _csrf: mariaToken }).expect(303);
    expect(await db('client_uploads').where({ workspace_id: workspaceId, id: ids.upload }).first('id')).to.equal(undefined);
  });
});
