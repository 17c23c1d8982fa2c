// SQL round trips of the commercial pages and actions, exact: the invoice list and a proposal page
// (beside the dashboard they are compared with), the document previews, accepting and declining proposals and
// quotations, starting a payment, the public link page, the staff record page and the staff
// payments page. Each is measured twice, on a small record (one line, nothing attached) and on a
// large one (five lines, payments, links, access log entries, activity), and both must equal the
// budget: a query added in a loop over lines, payments, links or events changes the second count.
// Counted as in query-budgets.test.ts: every knex query and every session-store query.
import { expect } from 'chai';
import { createInvoice } from '../../plugins/reference-crm/queries/invoices.ts';
import { countQueries, describeQueries, type CountedQueries, type QueryCounter } from '../support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../support/shard-routing.ts';
import { csrfFrom, fingerprintIn, type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';
import { WALK_BACK_DAYS } from '../../src/features/invoices/statement-period.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('query budgets of proposals, quotations, invoices, payments and public links', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let counter: QueryCounter;
  let maria: Agent;
  let staff: Agent;
  let northwind: { id: number; workspace_id: number };
  let seq = 0;

  before(async function () {
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staff = h.agent();
    const page = await staff.get('/signin').expect(200);
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
      .expect(303);
    northwind = await h.crm
      .db('clients as c')
      .join('workspaces as w', 'w.id', 'c.workspace_id')
      .where({ 'w.slug': 'demo', 'c.name': 'Northwind Traders' })
      .first('c.id', 'c.workspace_id');
    counter = countQueries();
  });
  after(async function () {
    counter?.stop();
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  /** Lets the work an earlier request set off (staff notifications, their emails) finish outside the measurement. */
  async function settle() {
    await h.crm.portal.notifications.idle();
    await h.crm.portal.drainOutbox();
  }

  /**
   * The cheapest of three measurements, each after settle(): the portal's background work (the mail outbox, digests)
   * can run a statement inside a measurement and only ever adds to it, while a query of the
   * request itself is in every one of them.
   */
  async function cheapest(measure: () => Promise<CountedQueries>): Promise<CountedQueries> {
    let best: CountedQueries | null = null;
    for (let i = 0; i < 3; i++) {
      await settle();
      const counted = await measure();
      if (!best || counted.count < best.count) best = counted;
    }
    return best!;
  }

  /** Runs `action` on the small and on the large case (warm: each once beforehand); both must cost `budget`. */
  async function expectBudget(what: string, budget: number, action: (size: 'small' | 'large') => Promise<unknown>) {
    for (const size of ['small', 'large'] as const) {
      await action(size);
      const counted = await cheapest(() => counter.measure(() => action(size)));
      expect(counted.count, describeQueries(`${what} (${size})`, counted)).to.equal(budget);
      expectEachNamesItsWorkspace(counted.sql, what);
    }
  }

  const LINES = { small: 1, large: 5 };
  /** An open proposal's PDF: the session, the offer's reads, its activity entry. */
  const PROPOSAL_PDF = 4;

  async function openOffer(table: 'proposals' | 'quotations', lines: number): Promise<string> {
    seq += 1;
    const [row] = await h.crm
      .db(table)
      .insert({
        workspace_id: northwind.workspace_id,
        client_id: northwind.id,
        number: `BUD-${table[0]}-${seq}`,
        title: 'Budgeted work',
        body: 'Scope.',
        status: 'sent',
        currency: 'USD',
        valid_until: '2099-12-31',
        sent_at: new Date(),
      })
      .returning('id');
    const items = table === 'proposals' ? 'proposal_items' : 'quotation_items';
    const key = table === 'proposals' ? 'proposal_id' : 'quotation_id';
    await h.crm.db(items).insert(
      Array.from({ length: lines }, (_, i) => ({
        workspace_id: northwind.workspace_id,
        [key]: row.id,
        position: i + 1,
        description: `Line ${i + 1}`,
        quantity: 1,
        unit_price_cents: 10_000 * (i + 1),
      })),
    );
    return String(row.id);
  }

  async function openInvoice(lines: number, payments: number): Promise<string> {
    seq += 1;
    const created = await createInvoice(h.crm.db, {
      workspaceId: northwind.workspace_id,
      clientId: northwind.id,
      status: 'sent',
      currency: 'EUR',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      notes: '',
      items: Array.from({ length: lines }, (_, i) => ({ description: `Work ${i + 1}`, quantity: 1, unitPriceCents: 50_000 })),
    });
    if (payments)
      await h.crm.db('payments').insert(
        Array.from({ length: payments }, () => ({
          workspace_id: northwind.workspace_id,
          invoice_id: created.id,
          amount_cents: 1_000,
          method: 'transfer',
        })),
      );
    return String(created.id);
  }

  const recordPath = (kind: string, id: string) => `/settings/client-portal/records/${kind}/${northwind.id}/${id}`;

  async function createLink(kind: string, id: string): Promise<string> {
    const page = await staff.get(recordPath(kind, id)).expect(200);
    const res = await staff
      .post(`${recordPath(kind, id)}/links`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), days: '30', allowDecision: 'on' })
      .expect(303);
    const after = await staff.get(res.headers.location!.split('#')[0]!).expect(200);
    const url = /value="(https?:\/\/[^"]+\/portal\/demo\/p\/[A-Za-z0-9_-]{43})"/.exec(after.text)![1]!;
    return new URL(url).pathname;
  }

  it('the invoice list and a proposal page, beside the dashboard', async function () {
    const proposals = { small: await openOffer('proposals', LINES.small), large: await openOffer('proposals', LINES.large) };
    await expectBudget('GET dashboard', 4, () => maria.get('/portal/demo/').expect(200));
    // 4: the session, the contact, the list, and the host's upcoming invoices (InvoicesPort.upcoming,
    // the reference CRM's recurring_invoices) for the line under the heading: on the first,
    // unfiltered page only, so the filtered and searched lists below keep 3.
    await expectBudget('GET invoices', 4, () => maria.get('/portal/demo/invoices').expect(200));
    await expectBudget('GET overdue invoices', 3, () => maria.get('/portal/demo/invoices?status=overdue').expect(200));
    // A search narrows the list's own statement: no read is added.
    await expectBudget('GET invoices, searched', 3, () => maria.get('/portal/demo/invoices?q=inv-').expect(200));
    await expectBudget('GET paid invoices, searched', 3, () => maria.get('/portal/demo/invoices?status=paid&q=0').expect(200));
    await expectBudget('GET proposals', 3, () => maria.get('/portal/demo/proposals').expect(200));
    await expectBudget('GET proposals, searched', 3, () => maria.get('/portal/demo/proposals?q=website').expect(200));
    await expectBudget('GET quotations, searched', 3, () => maria.get('/portal/demo/quotations?status=open&q=q').expect(200));
    await expectBudget('GET a proposal', 7, (size) => maria.get(`/portal/demo/proposals/${proposals[size]}`).expect(200));
  });

  /** Decides a fresh offer (a decision is final); only the POST is counted, its form is fetched first. */
  async function decide(section: 'proposals' | 'quotations', decision: 'accept' | 'decline', lines: number) {
    const href = `/portal/demo/${section}/${await openOffer(section, lines)}`;
    const form = await maria.get(`${href}/${decision}`).expect(200);
    const fields =
      decision === 'decline'
        ? { note: 'Not this year', fingerprint: fingerprintIn(form.text) }
        : {
            typedName: 'Maria García',
            consent: 'yes',
            fingerprint: fingerprintIn(form.text),
            ...(section === 'quotations' ? { poNumber: 'PO-7', note: 'Start in May' } : {}),
          };
    await settle();
    return counter.measure(() =>
      maria
        .post(`${href}/${decision}`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), ...fields })
        .expect(303),
    );
  }

  const DECISION_BUDGETS = { proposals: { accept: 9, decline: 9 }, quotations: { accept: 9, decline: 9 } };
  for (const section of ['proposals', 'quotations'] as const) {
    for (const decision of ['accept', 'decline'] as const) {
      it(`POST /${section}/:id/${decision}`, async function () {
        await decide(section, decision, 1);
        for (const size of ['small', 'large'] as const) {
          const counted = await cheapest(() => decide(section, decision, LINES[size]));
          expect(counted.count, describeQueries(`POST ${section}/:id/${decision} (${size})`, counted)).to.equal(
            DECISION_BUDGETS[section][decision],
          );
          expectEachNamesItsWorkspace(counted.sql, `${section} ${decision}`);
        }
      });
    }
  }

  it('GET and POST /invoices/:id/pay (the demo checkout start)', async function () {
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: northwind.workspace_id, allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(northwind.workspace_id));
    const invoices = { small: await openInvoice(1, 0), large: await openInvoice(5, 3) };
    await expectBudget('GET /invoices/:id/pay', 4, (size) => maria.get(`/portal/demo/invoices/${invoices[size]}/pay`).expect(200));
    const page = await maria.get(`/portal/demo/invoices/${invoices.small}/pay`).expect(200);
    const pay = (size: 'small' | 'large', amount: string) =>
      maria
        .post(`/portal/demo/invoices/${invoices[size]}/pay`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), choice: 'partial', amount })
        .expect(303);
    // Pay again for the same amount: back to the open checkout, decided under the invoice's lock
    // (the lock, its pending checkouts, whether a provider's event already came for it).
    await expectBudget('POST /invoices/:id/pay (again)', 9, (size) => pay(size, '1'));
    // Another amount each time: the open checkout is closed and a new one opened (its row, the
    // activity entry, then its page kept once the provider answered).
    let cents = 100;
    const anotherAmount = () => {
      cents += 1;
      return (cents / 100).toFixed(2);
    };
    await expectBudget('POST /invoices/:id/pay (another amount)', 12, (size) => pay(size, anotherAmount()));
  });

  it('GET an invoice PDF and the receipt of a payment', async function () {
    const invoices = { small: await openInvoice(1, 1), large: await openInvoice(5, 3) };
    const payments = {
      small: String((await h.crm.db('payments').where({ invoice_id: invoices.small }).orderBy('id').first('id')).id),
      large: String((await h.crm.db('payments').where({ invoice_id: invoices.large }).orderBy('id', 'desc').first('id')).id),
    };
    await expectBudget('GET /invoices/:id.pdf', 4, (size) => maria.get(`/portal/demo/invoices/${invoices[size]}.pdf`).expect(200));
    await expectBudget('GET /invoices/:id/receipts/:paymentId.pdf', 4, (size) =>
      maria.get(`/portal/demo/invoices/${invoices[size]}/receipts/${payments[size]}.pdf`).expect(200),
    );
  });

  // The preview is the PDF's document model as HTML: the record and nothing else (the logo is linked, not read).
  it('GET the preview of an invoice, a proposal and a quotation', async function () {
    const invoices = { small: await openInvoice(1, 0), large: await openInvoice(5, 3) };
    const proposals = { small: await openOffer('proposals', LINES.small), large: await openOffer('proposals', LINES.large) };
    const quotations = { small: await openOffer('quotations', LINES.small), large: await openOffer('quotations', LINES.large) };
    await expectBudget('GET /invoices/:id/preview', 3, (size) => maria.get(`/portal/demo/invoices/${invoices[size]}/preview`).expect(200));
    await expectBudget('GET /proposals/:id/preview', 3, (size) =>
      maria.get(`/portal/demo/proposals/${proposals[size]}/preview`).expect(200),
    );
    await expectBudget('GET /quotations/:id/preview', 3, (size) =>
      maria.get(`/portal/demo/quotations/${quotations[size]}/preview`).expect(200),
    );
  });

  // An accepted proposal's PDF shows its signature: one more read (the decision with its drawn image).
  it('GET a proposal PDF, open and once accepted', async function () {
    const offers = { small: await openOffer('proposals', LINES.small), large: await openOffer('proposals', LINES.large) };
    await expectBudget('GET /proposals/:id.pdf (open)', PROPOSAL_PDF, (size) =>
      maria.get(`/portal/demo/proposals/${offers[size]}.pdf`).expect(200),
    );
    for (const size of ['small', 'large'] as const) {
      const href = `/portal/demo/proposals/${offers[size]}`;
      const form = await maria.get(`${href}/accept`).expect(200);
      await maria
        .post(`${href}/accept`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), typedName: 'Maria García', consent: 'yes', fingerprint: fingerprintIn(form.text) })
        .expect(303);
    }
    await expectBudget('GET /proposals/:id.pdf (accepted)', PROPOSAL_PDF + 1, (size) =>
      maria.get(`/portal/demo/proposals/${offers[size]}.pdf`).expect(200),
    );
  });

  it('GET the statement of account, whatever the number of invoices and payments', async function () {
    // Small: the seed's invoices; large: five more, with lines and payments. The host reads what
    // the client owes now, its moves by day walked back from today to where the balance was last
    // zero (a range each: at most five, however long the history), then the period's invoices and
    // payments in one statement; the letterhead (the agency and the client) in one more.
    const download = () => maria.get('/portal/demo/invoices/statement.pdf').expect(200);
    for (const size of ['small', 'large'] as const) {
      if (size === 'large') for (let i = 0; i < 5; i++) await openInvoice(3, 2);
      await download();
      const counted = await cheapest(() => counter.measure(download));
      const ranges = counted.sql.filter((sql) => sql.includes('sum(charged)')).length;
      const described = describeQueries(`GET /invoices/statement.pdf (${size})`, counted);
      expect(ranges, described).to.be.within(1, WALK_BACK_DAYS.length + 1);
      expect(counted.count, described).to.equal(6 + ranges);
    }
  });

  it('GET the public link page', async function () {
    const links = {
      small: await createLink('proposal', await openOffer('proposals', LINES.small)),
      large: await createLink('proposal', await openOffer('proposals', LINES.large)),
    };
    await expectBudget('GET /p/:token', 8, (size) => h.agent().get(links[size]).expect(200));
  });

  // The staff side reads the workspace from the per-instance cache: the CRM session and staff user, the
  // header counts, the record, its evidence, links, their accesses and its activity.
  it('GET the staff record page', async function () {
    const small = await openOffer('proposals', LINES.small);
    const large = await openOffer('proposals', LINES.large);
    // The small one: one link, opened once. The large one: three links, each opened twice (access
    // log), and a client view in its activity.
    await h
      .agent()
      .get(await createLink('proposal', small))
      .expect(200);
    for (let i = 0; i < 3; i++) {
      const link = await createLink('proposal', large);
      await h.agent().get(link).expect(200);
      await h.agent().get(link).expect(200);
    }
    await maria.get(`/portal/demo/proposals/${large}`).expect(200);
    const pages = { small: recordPath('proposal', small), large: recordPath('proposal', large) };
    // 12: the record's comment thread, one query through the comments port.
    await expectBudget('GET staff record page', 11, (size) => staff.get(pages[size]).expect(200));
  });

  it('GET the staff payments page', async function () {
    // And which Stripe keys are in force (the workspace's own, with their hint, read once).
    await expectBudget('GET staff payments', 7, () => staff.get('/settings/client-portal/payments').expect(200));
  });
});
