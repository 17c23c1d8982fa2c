// Paying several invoices in one checkout on a real Dolibarr database: the binding writes ONE
// Dolibarr payment for them, as Dolibarr's payment screen does (one llx_paiement, a
// llx_paiement_facture line per invoice, one bank line for the total, each invoice closed), compared
// column by column with the rows Dolibarr's own Paiement::create + addPaymentToBank wrote for two
// invoices (two-invoice-payment.fixture.ts, captured from Dolibarr 23); an invoice no longer open
// is left out of it while the others are paid; and over HTTP, a client's checkout of two invoices is
// recorded as that one payment, an invoice paid meanwhile keeping its share as unapplied.
import { expect } from 'chai';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import {
  companySetting,
  insertClaireLogin,
  seededAdapter,
  servePortalBeside,
  startDolibarrHost,
  unavailable,
  type DolibarrHost,
} from './dolibarr-host.ts';
import { DOLIBARR_IDS, DOLIBARR_TWO_INVOICE_PAYMENT as DOLIBARR } from './two-invoice-payment.fixture.ts';

type Row = Record<string, unknown>;

const reason = unavailable();
const PASSWORD = 'Claire-portal-2026';
const PORTAL_NOTE = 'Paid from the client portal';

/** Columns no two runs share: rowids, the rows' links to each other, refs, and moments. */
const VOLATILE = [
  'rowid',
  'id',
  'ref',
  'fk_facture',
  'fk_bank',
  'url_id',
  'fk_element',
  'datec',
  'tms',
  'datep',
  'datep2',
  'dateo',
  'datev',
];
/**
 * The row less those columns (a line's fk_paiement too: its payment's rowid), numeric(24,8) read
 * as numbers: the fixture holds them as PostgreSQL's text ('1200.00000000'), the tests' client as numbers.
 */
const comparable = (row: Row, more: string[] = []): Row =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => !VOLATILE.includes(column) && !more.includes(column))
      .map(([column, value]) => [column, typeof value === 'string' && /^-?\d+\.\d{8}$/.test(value) ? Number(value) : value]),
  );

describe('dolibarr binding: several invoices paid together as one Dolibarr payment', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let adapter: HostAdapter;
  let running: PortalOnHost;
  let account: number;
  const workspaceId = '1';

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    adapter = seededAdapter(host);
    const { db, seed } = host;
    // As Dolibarr's install data and setup leave them: the automatic events' type, the agenda's
    // BILL_PAYED event on, the bank module on and a bank account for Stripe payments.
    await db('llx_c_actioncomm').insert({ id: 40, code: 'AC_OTH_AUTO', type: 'systemauto', libelle: 'Other', active: 1, position: 20 });
    const [created] = await db('llx_bank_account')
      .insert({
        ref: 'STRIPE',
        label: 'Stripe balance',
        entity: 1,
        currency_code: 'EUR',
        courant: 1,
        clos: 0,
        fk_pays: 1,
        datec: db.fn.now(),
      })
      .returning<Array<{ rowid: number }>>(['rowid']);
    account = created!.rowid;
    await db('llx_const').insert(
      [
        ['MAIN_MODULE_AGENDA', '1'],
        ['MAIN_AGENDA_ACTIONAUTO_BILL_PAYED', '1'],
        ['MAIN_MODULE_BANQUE', '1'],
        ['MAIN_MODULE_STRIPE', '1'],
        ['STRIPE_BANK_ACCOUNT_FOR_PAYMENTS', String(account)],
      ].map(([name, value]) => companySetting(seed, name!, value!)),
    );
    running = await servePortalBeside(host, adapter);
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  let invoiceCount = 0;
  /** A new validated invoice of the bakery of 1,200 (1,000 + 20 % VAT), as the fixture's were. */
  async function openInvoice(): Promise<{ id: number; ref: string }> {
    const { db, seed } = host;
    const { rowid: _rowid, ...row } = await db('llx_facture').where({ rowid: seed.invoices.unpaid }).first<Row>();
    invoiceCount += 1;
    const ref = `FA2611-90${String(invoiceCount).padStart(2, '0')}`;
    const [created] = await db('llx_facture')
      .insert({
        ...row,
        ref,
        total_ht: 1000,
        total_tva: 200,
        total_ttc: 1200,
        multicurrency_total_ht: 1000,
        multicurrency_total_tva: 200,
        multicurrency_total_ttc: 1200,
      })
      .returning<Array<{ rowid: number }>>(['rowid']);
    return { id: created!.rowid, ref };
  }

  const payTogether = (invoiceIds: number[], reference: string) =>
    host.db.transaction((trx) =>
      adapter.invoices!.recordPayments!(
        workspaceId,
        String(host.seed.companies.bakery),
        invoiceIds.map((id) => ({ invoiceId: String(id), amountCents: 120_000 })),
        { method: 'card', reference, paidAt: new Date('2026-11-30T04:30:25Z'), provider: 'stripe' },
        { trx },
      ),
    );

  /** Every row a payment wrote, as the fixture holds Dolibarr's. */
  async function writtenBy(paymentId: number, invoiceIds: number[]) {
    const { db } = host;
    const payment = await db('llx_paiement').where({ rowid: paymentId }).first<Row>();
    return {
      payment: payment!,
      lines: await db('llx_paiement_facture').where({ fk_paiement: paymentId }).orderBy('rowid').select<Row[]>(),
      banks: await db('llx_bank').where({ rowid: payment!.fk_bank }).select<Row[]>(),
      urls: await db('llx_bank_url').where({ fk_bank: payment!.fk_bank }).orderBy('rowid').select<Row[]>(),
      invoices: await db('llx_facture').whereIn('rowid', invoiceIds).orderBy('rowid').select<Row[]>(),
      events: await db('llx_actioncomm')
        .where({ elementtype: 'invoice', code: 'AC_BILL_PAYED' })
        .whereIn('fk_element', invoiceIds)
        .orderBy('id')
        .select<Row[]>(),
    };
  }

  /** A fixture row with the ids of Dolibarr's install replaced by this database's. */
  function inThisDatabase(row: Row): Row {
    const mapped: Row = { ...row };
    for (const column of ['fk_user_creat', 'fk_user_author', 'fk_user_action', 'fk_user_closing'])
      if (row[column] === DOLIBARR_IDS.user) mapped[column] = host.seed.users.admin;
    if (row.fk_soc === DOLIBARR_IDS.company) mapped.fk_soc = host.seed.companies.bakery;
    if (row.fk_account === DOLIBARR_IDS.bankAccount) mapped.fk_account = account;
    if (row.label === DOLIBARR_IDS.companyName) mapped.label = 'Boulangerie Martin';
    return mapped;
  }

  it("writes a payment of two invoices as Dolibarr's own code writes one, compared column by column", async function () {
    const [first, second] = [await openInvoice(), await openInvoice()];
    const answers = await payTogether([first!.id, second!.id], 'pi_php_two');
    expect(answers.map((answer) => answer?.amountCents)).to.deep.equal([120_000, 120_000]);
    // One host payment for both shares.
    expect(answers[0]!.id).to.equal(answers[1]!.id);
    const written = await writtenBy(Number(answers[0]!.id), [first!.id, second!.id]);

    // llx_paiement: the one expected difference is its note. paymentok.php sets note_public, which
    // Paiement::create does not write (it writes note_private, else note: ''); the portal writes
    // its own note on every payment it records, one invoice or several.
    expect(written.payment.note).to.equal(PORTAL_NOTE);
    expect(DOLIBARR.llx_paiement.note).to.equal('');
    expect(comparable({ ...written.payment, note: '' })).to.deep.equal(comparable(inThisDatabase(DOLIBARR.llx_paiement)));
    expect(written.payment.fk_bank).to.equal(written.banks[0]?.rowid);

    expect(written.lines.map((line) => line.fk_facture)).to.deep.equal([first!.id, second!.id]);
    expect(written.lines.map((line) => comparable(line, ['fk_paiement']))).to.deep.equal(
      DOLIBARR.llx_paiement_facture.map((line) => comparable(inThisDatabase(line))),
    );

    expect(written.banks.map((line) => comparable(line))).to.deep.equal([comparable(inThisDatabase(DOLIBARR.llx_bank))]);
    expect(written.banks[0]).to.include({ dateo: '2026-11-30', datev: '2026-11-30' });

    // A 'payment' link to the payment, one 'company' link for the invoices' third party.
    expect(written.urls.map((url) => url.url_id)).to.deep.equal([Number(answers[0]!.id), host.seed.companies.bakery]);
    expect(written.urls.map((url) => comparable(url))).to.deep.equal(DOLIBARR.llx_bank_url.map((url) => comparable(inThisDatabase(url))));

    const changed = Object.keys(DOLIBARR.llx_facture[0]!);
    expect(written.invoices.map((invoice) => Object.fromEntries(changed.map((column) => [column, invoice[column]])))).to.deep.equal(
      DOLIBARR.llx_facture.map(inThisDatabase),
    );
    for (const invoice of written.invoices) expect(invoice.date_closing).to.be.instanceOf(Date);

    expect(written.events.map((event) => event.fk_element)).to.deep.equal([first!.id, second!.id]);
    expect(written.events.map(({ label: _label, note: _note, ...event }) => comparable(event))).to.deep.equal(
      DOLIBARR.llx_actioncomm.map((event) => comparable(inThisDatabase(event))),
    );
    // The notes name this run's refs where Dolibarr's named its own.
    const refs = [first!.ref, second!.ref];
    expect(written.events.map((event) => event.note)).to.deep.equal(
      DOLIBARR.notes.map((note, index) =>
        note.replace(DOLIBARR.refs.invoices[index]!, refs[index]!).replace(DOLIBARR.refs.payment, String(written.payment.ref)),
      ),
    );
    expect(written.events.map((event) => event.label)).to.deep.equal(refs.map((ref) => `Invoice ${ref} changed to paid`));
  });

  it('leaves out an invoice no longer open: the other is paid alone, its share answered null', async function () {
    const { db } = host;
    const [open, closed] = [await openInvoice(), await openInvoice()];
    // Paid meanwhile in Dolibarr.
    await db('llx_facture').where({ rowid: closed!.id }).update({ fk_statut: 2, paye: 1 });
    const answers = await payTogether([closed!.id, open!.id], 'pi_one_left');
    expect(answers[0]).to.equal(null);
    expect(answers[1]).to.include({ amountCents: 120_000 });
    const written = await writtenBy(Number(answers[1]!.id), [open!.id]);
    expect(written.payment).to.include({ amount: 1200, multicurrency_amount: 1200 });
    expect(written.lines.map((line) => [line.fk_facture, line.amount])).to.deep.equal([[open!.id, 1200]]);
    expect(written.banks.map((line) => line.amount)).to.deep.equal([1200]);
    expect(await db('llx_paiement_facture').where({ fk_facture: closed!.id })).to.deep.equal([]);
    // Nothing written at all when no share applies.
    const before = await db('llx_paiement').count<Array<{ count: string }>>('* as count');
    expect(await payTogether([closed!.id, open!.id], 'pi_none_left')).to.deep.equal([null, null]);
    expect(await db('llx_paiement').count<Array<{ count: string }>>('* as count')).to.deep.equal(before);
  });

  describe('over HTTP, a client pays two invoices from the list', function () {
    let claire: ReturnType<typeof request.agent>;
    let base: string;

    before(async function () {
      // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which.
      if (reason) this.skip();
      base = `/portal/${host.seed.workspaceSlug}`;
      claire = await signedInAgent(request.agent(running.url), host.seed.workspaceSlug, {
        email: 'claire@martin.example',
        password: PASSWORD,
      });
    });

    /** Chooses the invoices on the list and opens their checkout; its id. */
    async function startCheckout(ids: number[]): Promise<string> {
      const page = await claire.get(`${base}/invoices`).expect(200);
      const started = await claire
        .post(`${base}/invoices/pay`)
        .type('form')
        .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}${ids.map((id) => `&invoice=${id}`).join('')}`)
        .expect(303);
      const checkoutId = /\/payments\/demo\/([0-9a-f-]{36})$/.exec(started.headers.location ?? '')?.[1];
      expect(checkoutId, started.headers.location).to.be.a('string');
      return checkoutId!;
    }
    async function payCheckout(checkoutId: string): Promise<void> {
      const checkout = await claire.get(`${base}/payments/demo/${checkoutId}`).expect(200);
      await claire
        .post(`${base}/payments/demo/${checkoutId}`)
        .type('form')
        .send({ _csrf: csrfFrom(checkout.text), action: 'pay' })
        .expect(303);
    }
    const sharesOf = (checkoutId: string) =>
      host.db('client_payments').where({ checkout_id: checkoutId }).orderBy('invoice_id').select('invoice_id', 'status', 'host_payment_id');

    it('one checkout is one Dolibarr payment: a line per invoice with its amount, both invoices closed', async function () {
      const { db } = host;
      const [first, second] = [await openInvoice(), await openInvoice()];
      const checkoutId = await startCheckout([first!.id, second!.id]);
      await payCheckout(checkoutId);
      const shares = await sharesOf(checkoutId);
      expect(shares.map((share) => share.status)).to.deep.equal(['recorded', 'recorded']);
      const hostPaymentId = shares[0]!.host_payment_id;
      expect(shares[1]!.host_payment_id).to.equal(hostPaymentId);
      const payment = await db('llx_paiement')
        .where({ rowid: Number(hostPaymentId) })
        .first('amount', 'ext_payment_site');
      expect(payment).to.deep.equal({ amount: 2400, ext_payment_site: 'demo' });
      const lines = await db('llx_paiement_facture')
        .where({ fk_paiement: Number(hostPaymentId) })
        .orderBy('fk_facture');
      expect(lines.map((line) => [line.fk_facture, line.amount])).to.deep.equal([
        [first!.id, 1200],
        [second!.id, 1200],
      ]);
      const invoices = await db('llx_facture').whereIn('rowid', [first!.id, second!.id]).orderBy('rowid').select('fk_statut', 'paye');
      expect(invoices).to.deep.equal([
        { fk_statut: 2, paye: 1 },
        { fk_statut: 2, paye: 1 },
      ]);
    });

    it('an invoice paid meanwhile keeps its share as unapplied; the other is the payment alone', async function () {
      const { db } = host;
      const [first, second] = [await openInvoice(), await openInvoice()];
      const checkoutId = await startCheckout([first!.id, second!.id]);
      // Staff record the first invoice's payment in Dolibarr before the client finishes.
      await db('llx_facture').where({ rowid: first!.id }).update({ fk_statut: 2, paye: 1 });
      await payCheckout(checkoutId);
      const shares = await sharesOf(checkoutId);
      expect(shares.map((share) => [Number(share.invoice_id), share.status])).to.deep.equal([
        [first!.id, 'unapplied'],
        [second!.id, 'recorded'],
      ]);
      const unapplied = await db('client_unapplied_payments')
        .where({ invoice_id: String(first!.id) })
        .select('reason', 'amount_cents');
      expect(unapplied.map((row) => [row.reason, Number(row.amount_cents)])).to.deep.equal([['not_applicable', 120_000]]);
      const lines = await db('llx_paiement_facture').where({ fk_paiement: Number(shares[1]!.host_payment_id) });
      expect(lines.map((line) => [line.fk_facture, line.amount])).to.deep.equal([[second!.id, 1200]]);
      expect(await db('llx_paiement_facture').where({ fk_facture: first!.id })).to.deep.equal([]);
    });
  });
});
