import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';
import { dolEncrypt } from './dol-encrypt.ts';

type Row = Record<string, unknown>;

const reason = unavailable();
const INSTANCE_KEY = 'c5e1f0a2b3d4e5f60718293a4b5c6d7e';

describe('dolibarr binding: online payments as paymentok.php records them', function () {
  let host: DolibarrHost;
  let adapter: HostAdapter;
  const workspaceId = '1';

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which, and
    // the PostgreSQL CI pass, which has both, runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    adapter = createDolibarrAdapter(host.db, {
      workspaceSlug: host.seed.workspaceSlug,
      dataRoot: host.dataRoot,
      actingUserId: host.seed.users.admin,
      instanceUniqueId: INSTANCE_KEY,
    });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  const setConst = async (name: string, value: string, entity = 1) => {
    await host.db('llx_const').where({ name, entity }).delete();
    await host.db('llx_const').insert({ name, entity, value, type: 'chaine', visible: 0 });
  };
  const dropConst = (name: string) => host.db('llx_const').where({ name }).delete();
  const payment = (rowid: string) =>
    host
      .db('llx_paiement')
      .where({ rowid: Number(rowid) })
      .first<Row>(['*', host.db.raw('amount::text as amount')]);

  it('a Stripe payment with the bank account set: the provider reference in ext_payment_id, a bank line in that account, both links', async function () {
    const { db, seed } = host;
    const [account] = await db('llx_bank_account')
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
    await setConst('MAIN_MODULE_BANQUE', '1');
    await setConst('MAIN_MODULE_STRIPE', '1');
    await setConst('STRIPE_BANK_ACCOUNT_FOR_PAYMENTS', String(account!.rowid));
    const paidAt = new Date('2026-04-02T10:15:00Z');

    const recorded = await db.transaction((trx) =>
      adapter.invoices!.recordPayment!(
        workspaceId,
        String(seed.companies.bakery),
        String(seed.invoices.unpaid),
        { amountCents: 40_000, method: 'card', reference: 'pi_3PortalStripe01', paidAt, provider: 'stripe' },
        { trx },
      ),
    );
    expect(recorded).to.include({ amountCents: 40_000, method: 'card', reference: null, providerReference: 'pi_3PortalStripe01' });
    const row = await payment(recorded!.id);
    // Read back, the client may quote the payment's own ref; the provider's id is for staff.
    expect(recorded!.number)
      .to.equal(row!.ref)
      .and.match(/^PAY2604-\d{4}$/);
    const read = (await adapter.invoices!.find(workspaceId, String(seed.companies.bakery), String(seed.invoices.unpaid)))!.payments.find(
      (p) => p.id === recorded!.id,
    );
    expect(read).to.include({ reference: null, number: row!.ref, providerReference: 'pi_3PortalStripe01' });
    expect(row).to.deep.include({
      amount: '400.00000000',
      fk_paiement: 6, // CB: STRIPE_PAYMENT_MODE_FOR_PAYMENTS is not set
      num_paiement: '',
      ext_payment_id: 'pi_3PortalStripe01',
      ext_payment_site: 'StripeTest', // STRIPE_LIVE is not set
      fk_user_creat: seed.users.admin,
    });
    const lines = await db('llx_bank')
      .where({ fk_account: account!.rowid })
      .select<Row[]>(['*', db.raw('amount::text as amount')]);
    expect(lines).to.have.length(1);
    const line = lines[0]!;
    expect(row!.fk_bank).to.equal(line.rowid);
    expect(line).to.deep.include({
      label: '(CustomerInvoicePayment)',
      amount: '400.00000000',
      amount_main_currency: null,
      fk_user_author: seed.users.admin,
      fk_user_rappro: null,
      num_chq: null,
      fk_account: account!.rowid,
      fk_type: 'CB',
      emetteur: null,
      banque: null,
      rappro: 0,
      numero_compte: '',
      num_releve: null,
      note: null,
      fk_bordereau: 0,
    });
    expect(line.datec).to.be.instanceOf(Date);
    // dateo and datev are dates: the payment's day.
    expect(line).to.include({ dateo: '2026-04-02', datev: '2026-04-02' });
    const links = await db('llx_bank_url').where({ fk_bank: line.rowid }).orderBy('type', 'desc').select<Row[]>();
    expect(links.map(({ rowid: _rowid, ...link }) => link)).to.deep.equal([
      { fk_bank: line.rowid, url_id: Number(recorded!.id), url: '/compta/paiement/card.php?id=', label: '(paiement)', type: 'payment' },
      { fk_bank: line.rowid, url_id: seed.companies.bakery, url: '/comm/card.php?socid=', label: 'Boulangerie Martin', type: 'company' },
    ]);
  });

  it('no bank line where STRIPE_BANK_ACCOUNT_FOR_PAYMENTS names no account, nor where the bank module is off; live mode says StripeLive', async function () {
    const { db, seed } = host;
    const before = await db('llx_bank').count<Array<{ count: string }>>('* as count');
    await dropConst('STRIPE_BANK_ACCOUNT_FOR_PAYMENTS');
    await setConst('STRIPE_LIVE', '1');
    const first = await adapter.invoices!.recordPayment!(workspaceId, String(seed.companies.bakery), String(seed.invoices.unpaid), {
      amountCents: 10_000,
      method: 'card',
      reference: 'pi_3PortalStripe02',
      paidAt: new Date('2026-04-03T08:00:00Z'),
      provider: 'stripe',
    });
    expect(await payment(first!.id)).to.deep.include({
      fk_bank: 0,
      ext_payment_id: 'pi_3PortalStripe02',
      ext_payment_site: 'StripeLive',
      num_paiement: '',
    });

    const [account] = await db('llx_bank').select('fk_account').limit(1);
    await setConst('STRIPE_BANK_ACCOUNT_FOR_PAYMENTS', String(account.fk_account));
    await dropConst('MAIN_MODULE_BANQUE');
    const second = await adapter.invoices!.recordPayment!(workspaceId, String(seed.companies.bakery), String(seed.invoices.unpaid), {
      amountCents: 10_000,
      method: 'card',
      reference: 'pi_3PortalStripe03',
      paidAt: new Date('2026-04-04T08:00:00Z'),
      provider: 'stripe',
    });
    expect(await payment(second!.id)).to.deep.include({ fk_bank: 0, ext_payment_id: 'pi_3PortalStripe03' });
    expect(await db('llx_bank').count<Array<{ count: string }>>('* as count')).to.deep.equal(before);
  });

  it('another provider: its reference in ext_payment_id and its name as the site, no bank line; a payment with no provider keeps num_paiement', async function () {
    const { seed } = host;
    await setConst('MAIN_MODULE_BANQUE', '1');
    const demo = await adapter.invoices!.recordPayment!(workspaceId, String(seed.companies.bakery), String(seed.invoices.unpaid), {
      amountCents: 5_000,
      method: 'card',
      reference: 'demo_77',
      paidAt: new Date('2026-04-05T08:00:00Z'),
      provider: 'demo',
    });
    expect(await payment(demo!.id)).to.deep.include({ num_paiement: '', ext_payment_id: 'demo_77', ext_payment_site: 'demo', fk_bank: 0 });
    const staff = await adapter.invoices!.recordPayment!(workspaceId, String(seed.companies.bakery), String(seed.invoices.unpaid), {
      amountCents: 5_000,
      method: 'bank_transfer',
      reference: 'SEPA 2026-04',
      paidAt: new Date('2026-04-06T08:00:00Z'),
    });
    expect(await payment(staff!.id)).to.deep.include({
      num_paiement: 'SEPA 2026-04',
      ext_payment_id: null,
      ext_payment_site: null,
      fk_bank: 0,
    });
  });

  it('a bank account setting naming an account of no such entity records nothing', async function () {
    const { db, seed } = host;
    await setConst('STRIPE_BANK_ACCOUNT_FOR_PAYMENTS', '999999');
    const count = async () => (await db('llx_paiement').count<Array<{ count: string }>>('* as count'))[0]!.count;
    const before = await count();
    let failure: unknown = null;
    await db
      .transaction((trx) =>
        adapter.invoices!.recordPayment!(
          workspaceId,
          String(seed.companies.bakery),
          String(seed.invoices.unpaid),
          { amountCents: 1_000, method: 'card', reference: 'pi_3PortalStripe04', paidAt: new Date(), provider: 'stripe' },
          { trx },
        ),
      )
      .catch((error: unknown) => {
        failure = error;
      });
    expect(String(failure)).to.match(/STRIPE_BANK_ACCOUNT_FOR_PAYMENTS names bank account 999999/);
    expect(await count()).to.equal(before);
  });

  it('stripeKeys: the keys of the mode STRIPE_LIVE chooses, the entity over entity 0, encrypted values decrypted; none with the module off', async function () {
    await dropConst('STRIPE_LIVE');
    await setConst('STRIPE_TEST_SECRET_KEY', 'sk_test_instance', 0);
    await setConst('STRIPE_TEST_SECRET_KEY', dolEncrypt('sk_test_entity', INSTANCE_KEY));
    await setConst('STRIPE_TEST_WEBHOOK_KEY', 'whsec_test_entity');
    await setConst('STRIPE_LIVE_SECRET_KEY', 'sk_live_entity');
    // The secret key only: the webhook key is the signing secret of Dolibarr's own endpoint.
    expect(await adapter.stripeKeys!.stripeKeys(workspaceId)).to.deep.equal({ secretKey: 'sk_test_entity' });

    await setConst('STRIPE_LIVE', '1');
    expect(await adapter.stripeKeys!.stripeKeys(workspaceId)).to.deep.equal({ secretKey: 'sk_live_entity' });
    expect(await adapter.stripeKeys!.stripeKeys('2')).to.equal(null);

    // Without the instance's key an encrypted value cannot be read: no keys rather than ciphertext.
    await setConst('STRIPE_LIVE_SECRET_KEY', dolEncrypt('sk_live_entity', INSTANCE_KEY));
    const keyless = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug });
    expect(await keyless.stripeKeys!.stripeKeys(workspaceId)).to.equal(null);
    expect(await adapter.stripeKeys!.stripeKeys(workspaceId)).to.deep.include({ secretKey: 'sk_live_entity' });

    await dropConst('MAIN_MODULE_STRIPE');
    expect(await adapter.stripeKeys!.stripeKeys(workspaceId)).to.equal(null);
  });
});
