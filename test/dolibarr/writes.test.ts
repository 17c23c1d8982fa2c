// Covers what the Dolibarr binding writes into Dolibarr's own tables, column by column, against
// what Dolibarr's code writes for the same event: a proposal accepted or declined from the portal,
// without a signer's name or address, changes only fk_statut and date_signature (htdocs/core/ajax/onlineSign.php,
// public/onlinesign/newonlinesign.php), tms following through Dolibarr's update trigger; a payment
// writes llx_paiement and llx_paiement_facture as Paiement::create does (PAY<yymm>-<nnnn> ref,
// amounts at numeric(24,8), the mode from llx_c_paiement, the invoice's currency and rate) and
// only the last one closes the invoice as Facture::setPaid does (fk_statut 2, paye 1,
// fk_user_closing, date_closing), in the caller's transaction.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

type Row = Record<string, unknown>;

/** The columns whose values differ between two versions of a row. */
function changed(before: Row, after: Row): Row {
  const diff: Row = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) diff[key] = after[key];
  }
  return diff;
}

/** Money columns read as PostgreSQL prints them, so the stored precision (numeric(24,8)) is what is compared. */
const asText = (db: DolibarrHost['db'], columns: string[]) => ['*', ...columns.map((column) => db.raw(`${column}::text as ${column}`))];

const reason = unavailable();

describe('dolibarr binding: rows written as Dolibarr writes them', function () {
  let host: DolibarrHost;
  let adapter: HostAdapter;
  const workspaceId = '1';

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    adapter = createDolibarrAdapter(host.db, {
      workspaceSlug: host.seed.workspaceSlug,
      dataRoot: host.dataRoot,
      actingUserId: host.seed.users.admin,
    });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  const propal = (rowid: number) => host.db('llx_propal').where({ rowid }).first<Row>();
  const lines = (table: string, key: string, rowid: number) => host.db(table).where(key, rowid).orderBy('rowid').select<Row[]>();

  it('an accepted proposal: fk_statut 2 (signed) and date_signature, nothing else but tms', async function () {
    const { bakery } = host.seed.companies;
    const id = host.seed.proposals.accept;
    const before = await propal(id);
    const linesBefore = await lines('llx_propaldet', 'fk_propal', id);
    const at = new Date('2026-03-02T14:30:00Z');
    expect(await adapter.offers!.decide(workspaceId, String(bakery), 'proposal', String(id), { outcome: 'accepted', at })).to.equal(true);
    const after = await propal(id);
    const diff = changed(before, after);
    expect(Object.keys(diff).sort()).to.deep.equal(['date_signature', 'fk_statut', 'tms']);
    expect(diff.fk_statut).to.equal(2);
    expect((diff.date_signature as Date).getTime()).to.equal(at.getTime());
    expect((after.tms as Date).getTime()).to.be.greaterThan((before.tms as Date).getTime());
    // The port was given no signer here, so Dolibarr's columns for it stay empty (the signer's
    // name and address: agenda-and-signature.test.ts).
    expect(after).to.include({
      online_sign_ip: null,
      online_sign_name: null,
      fk_user_signature: null,
      fk_user_cloture: null,
      date_cloture: null,
    });
    expect(await lines('llx_propaldet', 'fk_propal', id)).to.deep.equal(linesBefore);
  });

  it('a declined proposal: fk_statut 3 (not signed) and date_signature, as the online refusal writes it', async function () {
    const { garage } = host.seed.companies;
    const id = host.seed.proposals.decline;
    const before = await propal(id);
    const at = new Date('2026-03-03T09:00:00Z');
    expect(await adapter.offers!.decide(workspaceId, String(garage), 'proposal', String(id), { outcome: 'declined', at })).to.equal(true);
    const diff = changed(before, await propal(id));
    expect(Object.keys(diff).sort()).to.deep.equal(['date_signature', 'fk_statut', 'tms']);
    expect(diff.fk_statut).to.equal(3);
    expect((diff.date_signature as Date).getTime()).to.equal(at.getTime());
  });

  it('payments: llx_paiement and llx_paiement_facture as Paiement::create writes them, the last one closing the invoice as setPaid does', async function () {
    const { db, seed } = host;
    const invoiceId = seed.invoices.unpaid;
    const invoice = () =>
      db('llx_facture')
        .where({ rowid: invoiceId })
        .first<Row>(asText(db, ['total_ttc']));
    const before = await invoice();
    expect(before).to.include({ fk_statut: 1, paye: 0, total_ttc: '1500.00000000' });
    const paidAt = new Date('2026-03-15T10:00:00Z');

    // Part of it, inside the transaction that would also hold the portal's own evidence.
    const first = await db.transaction((trx) =>
      adapter.invoices!.recordPayment!(
        workspaceId,
        String(seed.companies.bakery),
        String(invoiceId),
        { amountCents: 50_050, method: 'card', reference: 'pi_3Ab', paidAt },
        { trx },
      ),
    );
    expect(first).to.include({ amountCents: 50_050, method: 'card', reference: 'pi_3Ab' });
    const payment = await db('llx_paiement')
      .where({ rowid: Number(first!.id) })
      .first<Row>(asText(db, ['amount', 'multicurrency_amount', 'pos_change']));
    // The seed holds PAY2601-0001 and PAY2602-0002: the counter runs over the entity, the yymm is the payment date's.
    expect(payment).to.deep.include({
      entity: 1,
      ref: 'PAY2603-0003',
      ref_ext: '',
      amount: '500.50000000',
      multicurrency_amount: '500.50000000',
      fk_paiement: 6,
      num_paiement: 'pi_3Ab',
      note: 'Paid from the client portal',
      ext_payment_id: null,
      ext_payment_site: null,
      fk_bank: 0,
      fk_user_creat: seed.users.admin,
      fk_user_modif: null,
      statut: 0,
      fk_export_compta: 0,
      pos_change: '0.00000000',
    });
    expect((payment.datep as Date).getTime()).to.equal(paidAt.getTime());
    expect(payment.datec).to.be.instanceOf(Date);
    const links = await db('llx_paiement_facture')
      .where({ fk_paiement: payment.rowid })
      .select<Row[]>(asText(db, ['amount', 'multicurrency_amount', 'multicurrency_tx']));
    expect(links.map(({ rowid: _rowid, ...link }) => link)).to.deep.equal([
      {
        fk_paiement: payment.rowid,
        fk_facture: invoiceId,
        amount: '500.50000000',
        multicurrency_code: 'EUR',
        multicurrency_tx: '1.00000000',
        multicurrency_amount: '500.50000000',
      },
    ]);
    // A part payment leaves the invoice untouched: Dolibarr closes it only when nothing remains.
    expect(await invoice()).to.deep.equal(before);

    const rest = await adapter.invoices!.recordPayment!(workspaceId, String(seed.companies.bakery), String(invoiceId), {
      amountCents: 99_950,
      method: 'bank_transfer',
      reference: null,
      paidAt,
    });
    const second = await db('llx_paiement')
      .where({ rowid: Number(rest!.id) })
      .first<Row>(asText(db, ['amount']));
    expect(second).to.deep.include({ ref: 'PAY2603-0004', amount: '999.50000000', fk_paiement: 2, num_paiement: '' });
    const after = await invoice();
    const diff = changed(before, after);
    expect(Object.keys(diff).sort()).to.deep.equal(['date_closing', 'fk_statut', 'fk_user_closing', 'paye', 'tms']);
    expect(diff).to.include({ fk_statut: 2, paye: 1, fk_user_closing: seed.users.admin });
    expect(after.date_closing).to.be.instanceOf(Date);
    const sum = await db('llx_paiement_facture').where({ fk_facture: invoiceId }).first(db.raw('sum(amount)::text as total'));
    expect(sum.total).to.equal('1500.00000000');
  });
});
