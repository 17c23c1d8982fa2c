// The kept dashboard (kept-dashboard.ts) against a fresh read of the host, as every kind of record
// the dashboard sums up changes every way: from the portal (a task done and reopened, a proposal and
// a quotation declined, a document uploaded and deleted, a ticket opened and closed, an invoice
// paid online) and from the host (invoices, proposals, tasks, documents, tickets and the time
// logged against a contract, written in the CRM's own tables, then reported with
// hostRecordChanged). After each, the next view reads the kept row, and the kept row is what a
// fresh read of the host answers. A change the host does not report is kept past only until the
// news pass's interval, and the day's end or an appointment's start ends a kept row by themselves.
// Housekeeping drops what expired, and an erasure what the company's people kept. A process holds
// the latest rows decoded, and reads only the version of one not written since. Runs on both
// databases.
import { expect } from 'chai';
import v8 from 'node:v8';
import { HOST_NEWS_INTERVAL_MS, SECTION_SWITCHES } from '../../../core/index.ts';
import type { DashboardAsk, DashboardData } from '../port.ts';
import {
  csrfFrom,
  fingerprintIn,
  postFormFrom,
  signedInAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';
import { freshUntil, keptDashboards, type KeptReads } from '../kept-dashboard.ts';
import { dashboardPersonalData } from '../personal-data.ts';
import { deleteKeptSummariesBefore } from '../../../core/summaries/queries.ts';
import { loadDashboard } from '../widgets.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const quiet = { info: () => {}, error: (message: string, err: unknown) => console.error(message, err) };

describe('the kept dashboard against a fresh read, as records change', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let maria: Agent;
  let ids: { workspaceId: string; clientId: string; contactId: string };
  let previous: KeptReads | null = null;

  before(async function () {
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    maria = await signedInAgent(h.agent(), 'demo', login);
    const demo = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(demo.id), email: login.email })
      .first('workspace_id', 'client_id', 'contact_id');
    ids = { workspaceId: String(user.workspace_id), clientId: String(user.client_id), contactId: String(user.contact_id) };
    // Every section on, online payments through the demo provider.
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const staff = h.agent();
    await postFormFrom(staff, '/signin', '/signin', { email: admin.email, password: admin.password }, 303);
    const form: Record<string, string> = { loginWithCode: 'on', loginWithPassword: 'on' };
    for (const s of SECTION_SWITCHES) form[s.key] = 'on';
    await postFormFrom(staff, '/settings/client-portal', '/settings/client-portal', form, 303);
    await postFormFrom(
      staff,
      '/settings/client-portal/payments',
      '/settings/client-portal/payments',
      { bankTransferInstructions: 'IBAN DE89 3704 0044 0532 0130 00', onlineProvider: 'demo' },
      303,
    );
  });
  after(async function () {
    await h?.close();
  });

  async function keptRow(): Promise<{ data: KeptReads; ask: DashboardAsk; contractsOn: string | null }> {
    const row = await h.crm
      .db('portal_client_summaries')
      .where({ workspace_id: ids.workspaceId, client_id: ids.clientId, contact_id: ids.contactId })
      .first('data', 'ask');
    expect(row, 'a kept row').to.not.equal(undefined);
    const { shape: _, contractsOn, ...ask } = JSON.parse(row.ask) as DashboardAsk & { shape: number; contractsOn: string | null };
    return { data: v8.deserialize(row.data) as KeptReads, ask, contractsOn };
  }

  /** What the host answers now, read as the dashboard reads it. */
  async function freshReads(ask: DashboardAsk, contractsOn: string | null): Promise<KeptReads> {
    return {
      dashboard: await loadDashboard(h.crm.adapter, ids, ask),
      contracts: contractsOn === null ? null : await h.crm.adapter.contracts!.list(ids.workspaceId, ids.clientId, contractsOn),
    };
  }

  /** Views the dashboard, then compares what it kept with a fresh read; `changed`: it differs from the view before. */
  async function expectKeptIsFresh(what: string, changed: boolean) {
    await maria.get('/portal/demo/').expect(200);
    const kept = await keptRow();
    expect(kept.contractsOn, 'the contracts’ hours left are read').to.be.a('string');
    const fresh = await freshReads(kept.ask, kept.contractsOn);
    expect(kept.data, `${what}: kept against fresh`).to.deep.equal(fresh);
    if (previous && changed) expect(kept.data, `${what}: the dashboard changed`).to.not.deep.equal(previous);
    previous = kept.data;
  }

  const recordId = (location: string | undefined, pattern: RegExp) => {
    const match = pattern.exec(location ?? '');
    expect(match, location).to.not.equal(null);
    return match![1]!;
  };

  it('keeps the first view, and a second view reads it by key', async function () {
    await expectKeptIsFresh('first view', false);
    const before = await h.crm.db('portal_client_summaries').where({ workspace_id: ids.workspaceId }).first('read_at');
    await maria.get('/portal/demo/').expect(200);
    const after = await h.crm.db('portal_client_summaries').where({ workspace_id: ids.workspaceId }).first('read_at');
    expect(after.read_at.getTime(), 'not read again').to.equal(before.read_at.getTime());
  });

  it('holds the row decoded: a view of a row not written since reads its version, not its bytes', async function () {
    const kept = keptDashboards({ db: h.crm.db, adapter: h.crm.adapter, now: () => new Date(), logger: quiet });
    const { ask, contractsOn } = await keptRow();
    // The kept row's bytes each read of it brought (null: not sent).
    const sent: string[] = [];
    const listener = (response: { rows?: Array<Record<string, unknown>> }) => {
      const row = response?.rows?.[0];
      if (row && 'version' in row && 'kept_generation' in row) sent.push(row.data === null ? 'version only' : 'bytes');
    };
    h.crm.db.on('query-response', listener);
    try {
      const first = await kept.load(ids, ask, contractsOn);
      const second = await kept.load(ids, ask, contractsOn);
      expect(second, 'the same decoded reads').to.equal(first);
      expect(Object.isFrozen(second.dashboard.summary), 'frozen, as every view is handed them').to.equal(true);
      expect(sent).to.deep.equal(['bytes', 'version only']);
      // The row written again (another process's view after a change, say): its bytes are read again.
      await h.crm
        .db('portal_client_summaries')
        .where({ workspace_id: ids.workspaceId, client_id: ids.clientId, contact_id: ids.contactId })
        .update({ read_at: h.crm.db.fn.now() });
      const third = await kept.load(ids, ask, contractsOn);
      expect(third).to.not.equal(first);
      expect(third).to.deep.equal(first);
      expect(sent).to.deep.equal(['bytes', 'version only', 'bytes']);
    } finally {
      h.crm.db.removeListener('query-response', listener);
    }
  });

  it('portal: a task marked done, then reopened', async function () {
    const task = (await h.crm.adapter.tasks!.list(ids.workspaceId, ids.clientId, ids.contactId, { status: 'open' }, { limit: 1 }))
      .items[0]!;
    await postFormFrom(maria, '/portal/demo/tasks', `/portal/demo/tasks/${task.id}/done`, { tab: 'open' }, 303);
    await expectKeptIsFresh('task done', true);
    await postFormFrom(maria, '/portal/demo/tasks', `/portal/demo/tasks/${task.id}/reopen`, { tab: 'done' }, 303);
    await expectKeptIsFresh('task reopened', true);
  });

  it('portal: a proposal and a quotation declined', async function () {
    for (const kind of ['proposal', 'quotation'] as const) {
      // One sent from the CRM for the purpose, reported as the CRM does.
      const [offer] = await h.crm
        .db(`${kind}s`)
        .insert({
          workspace_id: Number(ids.workspaceId),
          client_id: Number(ids.clientId),
          number: `KEPT-${kind}`,
          title: `To decline (${kind})`,
          status: 'sent',
          currency: 'EUR',
          valid_until: '2099-12-31',
          sent_at: new Date(),
        })
        .returning('id');
      await h.crm.portal.hostRecordChanged({
        workspaceId: ids.workspaceId,
        clientId: ids.clientId,
        kind,
        id: String(offer.id),
        happened: 'sent',
      });
      await expectKeptIsFresh(`${kind} sent in the host`, true);
      const page = await maria.get(`/portal/demo/${kind}s/${offer.id}/decline`).expect(200);
      await maria
        .post(`/portal/demo/${kind}s/${offer.id}/decline`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), note: 'Not this year', fingerprint: fingerprintIn(page.text) })
        .expect(303);
      await expectKeptIsFresh(`${kind} declined`, true);
    }
  });

  it('portal: a document uploaded, then deleted', async function () {
    const page = await maria.get('/portal/demo/documents').expect(200);
    const uploaded = await maria
      .post('/portal/demo/documents/uploads')
      .field('_csrf', csrfFrom(page.text))
      .attach('file', PDF, { filename: 'brief.pdf', contentType: 'application/pdf' })
      .expect(303);
    expect(uploaded.headers.location).to.match(/\/portal\/demo\/documents/);
    await expectKeptIsFresh('document uploaded', false);
    const upload = await h.crm.db('client_uploads').where({ workspace_id: ids.workspaceId }).orderBy('created_at', 'desc').first('id');
    await postFormFrom(maria, '/portal/demo/documents', `/portal/demo/documents/uploads/${upload.id}/delete`, {}, 303);
    await expectKeptIsFresh('document deleted', false);
  });

  it('portal: a ticket opened, then closed', async function () {
    const form = await maria.get('/portal/demo/tickets/new').expect(200);
    const opened = await maria
      .post('/portal/demo/tickets')
      .field('_csrf', csrfFrom(form.text))
      .field('subject', 'The invoice PDF will not open')
      .field('description', 'It shows a blank page in every browser we tried.')
      .expect(303);
    const ticketId = recordId(opened.headers.location, /\/tickets\/([^/?]+)/);
    await expectKeptIsFresh('ticket opened', true);
    await postFormFrom(maria, `/portal/demo/tickets/${ticketId}`, `/portal/demo/tickets/${ticketId}/close`, {}, 303);
    await expectKeptIsFresh('ticket closed', true);
  });

  it('portal: an invoice paid in full online', async function () {
    const invoice = (await h.crm.adapter.invoices!.list(ids.workspaceId, ids.clientId, { status: ['open'] }, { limit: 1 })).items[0]!;
    const pay = `/portal/demo/invoices/${invoice.id}/pay`;
    const started = await postFormFrom(maria, pay, pay, { choice: 'full' }, 303);
    const paymentId = recordId(started.headers.location, /\/payments\/demo\/([0-9a-f-]{36})$/);
    await postFormFrom(maria, `/portal/demo/payments/demo/${paymentId}`, `/portal/demo/payments/demo/${paymentId}`, { action: 'pay' }, 303);
    await expectKeptIsFresh('invoice paid', true);
  });

  it('host: records written in the CRM and reported, each seen at the next view', async function () {
    const ws = Number(ids.workspaceId);
    const client = Number(ids.clientId);
    const report = (kind: 'invoice' | 'proposal' | 'task' | 'document' | 'ticket', id: string, happened?: 'issued' | 'sent') =>
      h.crm.portal.hostRecordChanged({ workspaceId: ids.workspaceId, clientId: ids.clientId, kind, id, ...(happened ? { happened } : {}) });

    const invoice = await createInvoice(h.crm.db, {
      workspaceId: ws,
      clientId: client,
      status: 'sent',
      currency: 'EUR',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: [{ description: 'Hosting', quantity: 1, unitPriceCents: 12_000 }],
    });
    await report('invoice', String(invoice.id), 'issued');
    await expectKeptIsFresh('invoice issued in the host', true);

    await h.crm.db('invoices').where({ workspace_id: ws, id: invoice.id }).update({ status: 'void' });
    await report('invoice', String(invoice.id));
    await expectKeptIsFresh('invoice voided in the host', true);

    const [proposal] = await h.crm
      .db('proposals')
      .insert({
        workspace_id: ws,
        client_id: client,
        number: 'KEPT-1',
        title: 'Kept or not',
        status: 'sent',
        currency: 'EUR',
        valid_until: '2099-12-31',
        sent_at: new Date(),
      })
      .returning('id');
    await report('proposal', String(proposal.id), 'sent');
    await expectKeptIsFresh('proposal sent in the host', true);

    const task = await h.crm.db('tasks').where({ workspace_id: ws, client_id: client, status: 'open' }).first('id');
    await h.crm.db('tasks').where({ workspace_id: ws, id: task.id }).delete();
    await report('task', String(task.id));
    await expectKeptIsFresh('task deleted in the host', true);

    const document = await h.crm.db('documents').where({ workspace_id: ws, client_id: client, shared_with_client: true }).first('id');
    await h.crm.db('documents').where({ workspace_id: ws, id: document.id }).update({ shared_with_client: false });
    await report('document', String(document.id));
    await expectKeptIsFresh('document unshared in the host', true);

    const [ticket] = await h.crm
      .db('tickets')
      .insert({
        workspace_id: ws,
        client_id: client,
        ref: 'KEPT-T1',
        subject: 'Opened by the agency',
        status: 'new',
        opened_at: new Date(),
        last_activity_at: new Date(),
      })
      .returning('id');
    await report('ticket', String(ticket.id));
    await expectKeptIsFresh('ticket opened in the host', true);
    await h.crm.db('tickets').where({ workspace_id: ws, id: ticket.id }).update({ status: 'closed' });
    await report('ticket', String(ticket.id));
    await expectKeptIsFresh('ticket closed in the host', true);

    // Time logged against a running contract: its hours left.
    const line = await h.crm
      .db('contract_lines as l')
      .join('contracts as c', function () {
        this.on('c.workspace_id', 'l.workspace_id').andOn('c.id', 'l.contract_id');
      })
      .where({ 'c.workspace_id': ws, 'c.client_id': client, 'c.status': 'active' })
      .first('l.id', 'c.id as contract_id');
    const today = (await keptRow()).contractsOn!;
    await h.crm
      .db('time_entries')
      .insert({ workspace_id: ws, contract_line_id: line.id, work_date: today, amount: 1.5, description: 'Support call' });
    await h.crm.portal.hostRecordChanged({
      workspaceId: ids.workspaceId,
      clientId: ids.clientId,
      kind: 'contract',
      id: String(line.contract_id),
    });
    await expectKeptIsFresh('time logged in the host', true);
  });

  it('host, unreported: kept until the news pass’s interval, then read again', async function () {
    let clock = new Date();
    const kept = keptDashboards({ db: h.crm.db, adapter: h.crm.adapter, now: () => clock, logger: quiet });
    const { ask, contractsOn } = await keptRow();
    const first = await kept.load(ids, ask, contractsOn);
    const ws = Number(ids.workspaceId);
    const task = await h.crm
      .db('tasks')
      .where({ workspace_id: ws, client_id: Number(ids.clientId), status: 'open' })
      .first('id');
    await h.crm.db('tasks').where({ workspace_id: ws, id: task.id }).update({ status: 'done' });
    const fresh = await freshReads(ask, contractsOn);
    expect(fresh, 'the change shows in a fresh read').to.not.deep.equal(first);
    expect(await kept.load(ids, ask, contractsOn), 'unreported, at once').to.deep.equal(first);
    clock = new Date(Math.min(freshUntil(clock, first.dashboard).getTime(), clock.getTime() + HOST_NEWS_INTERVAL_MS) + 1);
    expect(await kept.load(ids, ask, contractsOn), 'after the interval').to.deep.equal(fresh);
  });

  it('keeps a row no longer than the day (overdue counts from today) or the start of the first upcoming appointment', function () {
    const now = new Date('2026-11-27T23:58:00Z');
    const empty = { appointments: [] } as unknown as DashboardData;
    expect(freshUntil(now, empty).toISOString()).to.equal('2026-11-28T00:00:00.000Z');
    const morning = new Date('2026-11-27T08:00:00Z');
    expect(freshUntil(morning, empty).getTime()).to.equal(morning.getTime() + HOST_NEWS_INTERVAL_MS);
    const soon = new Date(morning.getTime() + 60_000);
    const withAppointment = { appointments: [{ startsAt: soon }] } as unknown as DashboardData;
    expect(freshUntil(morning, withAppointment).getTime()).to.equal(soon.getTime());
  });
  it('keeps no row past housekeeping once expired, nor past the erasure of one of the company’s people', async function () {
    await maria.get('/portal/demo/').expect(200);
    const rows = () => h.crm.db('portal_client_summaries').where({ workspace_id: ids.workspaceId, client_id: ids.clientId });
    const [kept] = await rows().select('fresh_until');
    expect(await deleteKeptSummariesBefore(h.crm.db, new Date(kept.fresh_until.getTime() - 1)), 'still fresh').to.equal(0);
    expect(await deleteKeptSummariesBefore(h.crm.db, new Date(kept.fresh_until.getTime() + 1)), 'expired').to.be.at.least(1);
    expect(await rows()).to.deep.equal([]);
    await maria.get('/portal/demo/').expect(200);
    const person = { ...ids, id: 'any', email: 'maria@northwind.test' };
    const erased = await h.crm.db.transaction((trx) => dashboardPersonalData().erase(trx, person));
    expect(erased.counts).to.deep.equal({ keptDashboards: 1 });
    expect(await rows()).to.deep.equal([]);
  });
});
