// kill -9 of an instance inside the transaction of an acceptance and of a payment callback: all or
// nothing. The kill lands inside the transaction deterministically: the test holds a row lock on
// the host record the request's transaction updates last (the proposal; the invoice), waits until
// PostgreSQL shows the request's backend waiting on that lock (so the earlier writes of the same
// transaction — the evidence row; the callback's idempotency key — are done but not committed),
// SIGKILLs the instance, then releases the lock. Afterwards: no evidence and no status change, or
// both; the payment recorded once or not at all; and a retry on another instance succeeds once.
import { expect } from 'chai';
import pg from 'pg';
import { DEMO_CLIENT_PASSWORD } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { createDemoProvider } from '../../src/features/invoices/payments/demo-provider.ts';
import { report, skipFaultsUnlessPossible } from './faults-support.ts';
import { startPrivateCluster, type PrivateCluster } from './support/cluster.ts';
import { Browser, FAULTS_SECRET, startInstance, type Instance } from './support/instances.ts';

const MARIA = 'maria@northwind.test';

describe('faults: kill -9 of an instance mid-transaction', function () {
  this.timeout(300_000);
  let cluster: PrivateCluster | undefined;
  let databaseUrl: string;
  const instances: Instance[] = [];
  let sql: pg.Client;
  let locker: pg.Client;

  const one = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T> =>
    (await sql.query<T>(text, values)).rows[0]!;

  /** Until a backend of the database waits on a lock (the request is inside its transaction). */
  async function waitForBlockedBackend(): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      const row = await one<{ pid: number | null }>(
        "select min(pid) as pid from pg_stat_activity where datname = 'portal' and wait_event_type = 'Lock'",
      );
      if (row.pid) return row.pid;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the request never reached the locked row');
  }

  /** Until the killed instance's backend is gone (PostgreSQL notices the closed socket once unblocked). */
  async function waitForBackendGone(pid: number): Promise<void> {
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      const row = await one<{ n: number }>('select count(*)::int as n from pg_stat_activity where pid = $1', [pid]);
      if (row.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`backend ${pid} of the killed instance is still there`);
  }

  before(async function () {
    skipFaultsUnlessPossible(this);
    cluster = await startPrivateCluster();
    databaseUrl = await cluster.createDatabase('portal');
    // The first boot migrates and seeds; the rest find it done.
    instances.push(await startInstance({ DATABASE_URL: databaseUrl, PAYMENTS_DEMO_PROVIDER: 'on' }));
    sql = new pg.Client(databaseUrl);
    await sql.connect();
    // Online payments on for the demo workspace, before any instance has cached its settings.
    await sql.query(
      `insert into workspace_client_portal_settings (workspace_id, allow_online_payments) select id::text, true from workspaces where slug = 'demo'
       on conflict (workspace_id) do update set allow_online_payments = true`,
    );
    instances.push(await startInstance({ DATABASE_URL: databaseUrl, PAYMENTS_DEMO_PROVIDER: 'on' }));
    locker = new pg.Client(databaseUrl);
    await locker.connect();
  });
  after(async function () {
    await locker?.end().catch(() => {});
    await sql?.end().catch(() => {});
    await Promise.all(instances.map((instance) => instance.stop()));
    cluster?.destroy();
  });

  it('leaves an acceptance all or nothing, and a retry on the other instance accepts once', async function () {
    const [a, b] = instances as [Instance, Instance];
    const browser = new Browser(a.url, '10.1.0.1');
    await browser.signIn('demo', MARIA, DEMO_CLIENT_PASSWORD);

    // An open proposal of Maria's company that the portal offers to accept.
    const candidates = await sql.query<{ id: number }>(
      `select p.id from proposals p join workspaces w on w.id = p.workspace_id
        where w.slug = 'demo' and p.status = 'sent' and p.client_id = (select client_id from contacts where email = $1 and workspace_id = w.id)
        order by p.id`,
      [MARIA],
    );
    let proposalId: number | undefined;
    for (const { id } of candidates.rows) {
      const page = await browser.get(`/portal/demo/proposals/${id}/accept`);
      if (page.status === 200 && /name="fingerprint" value="[0-9a-f]{64}"/.test(page.text)) {
        proposalId = id;
        break;
      }
    }
    expect(proposalId, 'an open proposal to accept').to.be.a('number');
    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(
      (await browser.get(`/portal/demo/proposals/${proposalId}/accept`)).text,
    )![1]!;
    const form = { typedName: 'Maria Keller', consent: 'yes', fingerprint };

    await locker.query('begin');
    await locker.query('select id from proposals where id = $1 for update', [proposalId]);
    const accepting = browser.post(`/portal/demo/proposals/${proposalId}/accept`, form).catch((err: Error) => err);
    const pid = await waitForBlockedBackend();
    const evidenceWritten = await one<{ n: number }>(
      "select count(*)::int as n from pg_locks where pid = $1 and locktype = 'relation' and relation = 'portal_offer_decisions'::regclass",
      [pid],
    );
    expect(evidenceWritten.n, 'the evidence row was inserted before the host update blocked').to.be.greaterThan(0);
    await a.kill9();
    await locker.query('rollback');
    const answer = await accepting;
    expect(answer, 'the killed instance gave no answer').to.be.instanceOf(Error);
    await waitForBackendGone(pid);

    const evidence = await one<{ n: number }>(
      "select count(*)::int as n from portal_offer_decisions where offer_kind = 'proposal' and offer_id = $1",
      [String(proposalId)],
    );
    const status = await one<{ status: string }>('select status from proposals where id = $1', [proposalId]);
    expect({ evidence: evidence.n, status: status.status }).to.satisfy(
      (s: { evidence: number; status: string }) => (s.evidence === 0) === (s.status === 'sent'),
      'no evidence and no status change, or both',
    );

    // The same session, on the other instance: the retry accepts once; a second retry changes nothing.
    browser.base = b.url;
    const retry = await browser.post(`/portal/demo/proposals/${proposalId}/accept`, form);
    expect(retry.status, retry.text.slice(0, 300)).to.equal(303);
    const again = await browser.post(`/portal/demo/proposals/${proposalId}/accept`, form);
    expect(again.status).to.not.equal(500);
    const after = await one<{ n: number }>(
      "select count(*)::int as n from portal_offer_decisions where offer_kind = 'proposal' and offer_id = $1",
      [String(proposalId)],
    );
    const statusAfter = await one<{ status: string }>('select status from proposals where id = $1', [proposalId]);
    expect([after.n, statusAfter.status]).to.deep.equal([1, 'accepted']);
    report(
      `kill -9 during an acceptance: after the kill ${evidence.n} evidence rows, proposal '${status.status}'; after the retry on the other instance 1 evidence row, 'accepted'`,
    );
  });

  it('leaves a payment callback all or nothing, and the retried callback records it once', async function () {
    const b = instances[1]!;
    instances.push(await startInstance({ DATABASE_URL: databaseUrl, PAYMENTS_DEMO_PROVIDER: 'on' }));
    const c = instances[2]!;
    const browser = new Browser(b.url, '10.1.0.2');
    await browser.signIn('demo', MARIA, DEMO_CLIENT_PASSWORD);

    const invoice = await one<{ id: number; workspace_id: number; balance: number; currency: string }>(
      `select i.id, i.workspace_id, i.currency,
              (select coalesce(sum(li.quantity * li.unit_price_cents), 0) from invoice_items li where li.workspace_id = i.workspace_id and li.invoice_id = i.id)
            - (select coalesce(sum(p.amount_cents), 0) from payments p where p.workspace_id = i.workspace_id and p.invoice_id = i.id) as balance
         from invoices i join workspaces w on w.id = i.workspace_id
        where w.slug = 'demo' and i.status in ('sent', 'overdue')
          and i.client_id = (select client_id from contacts where email = $1 and workspace_id = w.id)
        order by i.id limit 1`,
      [MARIA],
    );
    expect(invoice, "an open invoice of Maria's company").to.not.equal(undefined);
    await browser.get(`/portal/demo/invoices/${invoice.id}/pay`);
    const started = await browser.post(`/portal/demo/invoices/${invoice.id}/pay`, { choice: 'full' });
    expect(started.status, started.text.slice(0, 300)).to.equal(303);
    const paymentId = /\/payments\/demo\/([0-9a-f-]{36})$/.exec(started.headers.get('location') ?? '')![1]!;
    const paymentsBefore = await one<{ n: number }>('select count(*)::int as n from payments where invoice_id = $1', [invoice.id]);

    const demo = createDemoProvider({ secret: FAULTS_SECRET });
    const signed = demo.signedCallback(
      String(invoice.workspace_id),
      {
        id: `evt_${paymentId}`,
        type: 'payment.succeeded',
        payment: { id: paymentId, amount_cents: Number(invoice.balance), currency: invoice.currency, paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    const send = (base: string) =>
      fetch(`${base}/portal/demo/payments/callback/demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'demo-signature': signed.signature },
        body: signed.rawBody.toString(),
        signal: AbortSignal.timeout(30_000),
      });

    await locker.query('begin');
    await locker.query('select id from invoices where id = $1 for update', [invoice.id]);
    const calling = send(b.url).catch((err: Error) => err);
    const pid = await waitForBlockedBackend();
    await b.kill9();
    await locker.query('rollback');
    expect(await calling, 'the killed instance gave no answer').to.be.instanceOf(Error);
    await waitForBackendGone(pid);

    const count = async () => ({
      payments:
        (await one<{ n: number }>('select count(*)::int as n from payments where invoice_id = $1', [invoice.id])).n - paymentsBefore.n,
      callbacks: (await one<{ n: number }>('select count(*)::int as n from client_payment_callbacks where payment_id = $1', [paymentId])).n,
      status: (await one<{ status: string }>('select status from client_payments where id = $1', [paymentId])).status,
    });
    const afterKill = await count();
    expect(afterKill, 'nothing, or everything').to.satisfy(
      (s: { payments: number; callbacks: number; status: string }) =>
        (s.payments === 0 && s.callbacks === 0 && s.status === 'pending') ||
        (s.payments === 1 && s.callbacks === 1 && s.status === 'recorded'),
    );

    // The provider retries (to another instance): recorded once; a further retry is a duplicate.
    const retried = await send(c.url);
    expect(retried.status).to.be.below(300);
    const duplicate = await send(c.url);
    expect(duplicate.status).to.be.below(300);
    expect(await count()).to.deep.equal({ payments: 1, callbacks: 1, status: 'recorded' });
    report(
      `kill -9 during a payment callback: after the kill ${afterKill.payments} payments, ${afterKill.callbacks} callback keys, checkout '${afterKill.status}'; after two retries 1 payment, 1 key, 'recorded'`,
    );
  });
});
