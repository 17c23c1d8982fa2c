// Covers paying a Dolibarr invoice by bank transfer, over HTTP as a client does: the account comes
// from Dolibarr's own data the way its invoice PDF (pdf_sponge::drawInfoTable, pdf_bank) picks it —
// the account named on the invoice (llx_facture.fk_account), else the entity's default
// (llx_const FACTURE_RIB_NUMBER), else none — shown only while the invoice's payment mode is unset
// or transfer (VIR). An account of another entity, a closed one, or one kept in another currency
// than the invoice's is not offered; without one there is no bank transfer at all. The pay page
// shows the account's IBAN, BIC, bank and holder, and its EPC QR code decodes to them, as does the
// code on the invoice PDF. Two invoices chosen on the list are paid by one transfer to the one
// account they name, quoting both refs; two accounts cannot be paid by one.
import { expect } from 'chai';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { binary } from '../support/pdf-text.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { decodeQrPng, pdfFirstPagePng, pngFromDataUrl } from '../support/qr-decode.ts';
import { insertClaireLogin, seededAdapter, servePortalBeside, startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();
const PASSWORD = 'Claire-portal-2026';

describe('dolibarr host: paying an invoice by bank transfer to the account Dolibarr names', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;
  let invoiceId: number;

  let accounts = 0;
  /** An llx_bank_account row as Dolibarr's bank card saves it (labels are unique per entity); answers its rowid. */
  const account = async (fields: Record<string, unknown>) => {
    accounts += 1;
    const [row] = await host
      .db('llx_bank_account')
      .insert({
        ref: `ACC${accounts}`,
        label: `Account ${accounts}`,
        entity: 1,
        currency_code: 'EUR',
        courant: 1,
        clos: 0,
        fk_pays: 1,
        datec: host.db.fn.now(),
        ...fields,
      })
      .returning<Array<{ rowid: number }>>(['rowid']);
    return row!.rowid;
  };
  /** FACTURE_RIB_NUMBER as Setup > Invoices saves it (dolibarr_set_const with $conf->entity). */
  const setDefaultAccount = async (value: number | null, entity = 1) => {
    await host.db('llx_const').where({ name: 'FACTURE_RIB_NUMBER' }).delete();
    if (value !== null)
      await host.db('llx_const').insert({ name: 'FACTURE_RIB_NUMBER', entity, value: String(value), type: 'chaine', visible: 0 });
  };
  const setInvoice = (fields: { fk_account?: number | null; fk_mode_reglement?: number | null }) =>
    host.db('llx_facture').where({ rowid: invoiceId }).update(fields);

  /** The pay page's bank transfer: the IBAN shown and the decoded QR code, or null when none is offered. */
  async function offered(): Promise<{ html: string; qr: string | null } | null> {
    const res = await claire.get(`${base}/invoices/${invoiceId}/pay`);
    if (res.status === 404) {
      // Not offered at all: the invoice page has no way to pay either.
      const page = await claire.get(`${base}/invoices/${invoiceId}`).expect(200);
      expect(page.text).to.not.include(`/invoices/${invoiceId}/pay`);
      return null;
    }
    expect(res.status).to.equal(200);
    expect(res.text).to.include('Pay by bank transfer');
    const src = /<img src="(data:image\/png;base64,[^"]+)"[^>]*data-epc-qr/.exec(res.text)?.[1];
    return { html: res.text, qr: src ? decodeQrPng(pngFromDataUrl(src)) : null };
  }

  /** The pay page's bank transfer, which must be offered. */
  async function shown(): Promise<{ html: string; qr: string | null }> {
    const pay = await offered();
    expect(pay, 'a bank transfer is offered').to.not.equal(null);
    return pay!;
  }

  const epc = (bic: string, name: string, iban: string) =>
    ['BCD', '002', '1', 'SCT', bic, name, iban, 'EUR1500.00', '', '', 'FA2601-0001'].join('\n');

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which, and
    // the PostgreSQL CI pass, which has both, runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    const { db, seed } = host;
    invoiceId = seed.invoices.unpaid;
    running = await servePortalBeside(host);
    base = `/portal/${seed.workspaceSlug}`;
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    // Online payments stay off: the bank transfer is then the only way to pay, and without an
    // account there is no pay page at all.
    claire = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
  });
  beforeEach(async function () {
    await setInvoice({ fk_account: null, fk_mode_reglement: null });
    await setDefaultAccount(null);
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("shows the account named on the invoice, and its EPC QR code on the page and the PDF decodes to that account's IBAN", async function () {
    const named = await account({
      label: 'Compte courant CIC',
      bank: 'CIC Paris',
      iban_prefix: 'DE89 3704 0044 0532 0130 00',
      bic: 'COBADEFFXXX',
      proprio: 'Atelier Lumière SARL',
    });
    // The entity's default account is another one: the invoice's own wins, as on Dolibarr's PDF.
    await setDefaultAccount(await account({ iban_prefix: 'FR1420041010050500013M02606', bic: 'PSSTFRPPXXX' }));
    await setInvoice({ fk_account: named });

    const pay = await shown();
    expect(pay.html).to.include('DE89 3704 0044 0532 0130 00').and.include('COBADEFFXXX').and.include('CIC Paris');
    expect(pay.html).to.include('Atelier Lumière SARL').and.not.include('FR14 2004');
    expect(pay.qr).to.equal(epc('COBADEFFXXX', 'Atelier Lumière SARL', 'DE89370400440532013000'));

    const pdf = (await claire.get(`${base}/invoices/${invoiceId}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer;
    expect(decodeQrPng(await pdfFirstPagePng(pdf))).to.equal(epc('COBADEFFXXX', 'Atelier Lumière SARL', 'DE89370400440532013000'));
  });

  it('pays two invoices by one transfer to the one account they name, quoting both refs; refuses two accounts', async function () {
    await setDefaultAccount(await account({ bank: 'La Banque Postale', iban_prefix: 'FR1420041010050500013M02606', bic: 'PSSTFRPPXXX' }));
    // A second open invoice of Claire's company: the first one's row again, under its own ref.
    const columns = Object.keys(await host.db('llx_facture').columnInfo()).filter((column) => column !== 'rowid' && column !== 'ref');
    const copied = await host.db.raw(
      `insert into llx_facture (ref, ${columns.join(', ')}) select 'FA2601-0009', ${columns.join(', ')} from llx_facture where rowid = ? returning rowid`,
      [invoiceId],
    );
    const other = Number(copied.rows[0].rowid);
    const refs = await host.db('llx_facture').whereIn('rowid', [invoiceId, other]).orderBy('datef').orderBy('ref').pluck('ref');
    const page = await claire.get(`${base}/invoices/pay/transfer?invoice=${invoiceId}&invoice=${other}`).expect(200);
    expect(page.text).to.include('FR14 2004 1010 0505 0001 3M02 606').and.include(refs.join(' '));
    const src = /<img src="(data:image\/png;base64,[^"]+)"[^>]*data-epc-qr/.exec(page.text)?.[1];
    const balances = await Promise.all(
      [invoiceId, other].map((id) =>
        seededAdapter(host).invoices!.find(String(host.seed.entity), String(host.seed.companies.bakery), String(id)),
      ),
    );
    const total = balances.reduce((sum, invoice) => sum + invoice!.balanceCents, 0);
    expect(decodeQrPng(pngFromDataUrl(src!))!.split('\n').slice(6)).to.deep.equal([
      'FR1420041010050500013M02606',
      `EUR${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`,
      '',
      '',
      refs.join(' '),
    ]);
    // One of them names another account on itself: one transfer cannot go to both.
    await host
      .db('llx_facture')
      .where({ rowid: other })
      .update({ fk_account: await account({ iban_prefix: 'DE89 3704 0044 0532 0130 00' }) });
    try {
      const refused = await claire.get(`${base}/invoices/pay/transfer?invoice=${invoiceId}&invoice=${other}`).expect(409);
      expect(refused.text).to.include('to be paid into different bank accounts');
    } finally {
      await host.db('llx_facture').where({ rowid: other }).delete();
    }
    // Another company's invoice is not found, as on its own page.
    await claire.get(`${base}/invoices/pay/transfer?invoice=${invoiceId}&invoice=${host.seed.invoices.partlyPaid}`).expect(404);
  });

  it("without an account on the invoice, offers the entity's FACTURE_RIB_NUMBER account, its holder the company where it names none", async function () {
    await setDefaultAccount(await account({ bank: 'La Banque Postale', iban_prefix: 'FR1420041010050500013M02606', bic: 'PSSTFRPPXXX' }));
    const pay = await shown();
    expect(pay.html).to.include('FR14 2004 1010 0505 0001 3M02 606').and.include('PSSTFRPPXXX');
    // No proprio: the EPC code names the company (MAIN_INFO_SOCIETE_NOM), as Dolibarr's own code does.
    expect(pay.qr).to.equal(epc('PSSTFRPPXXX', 'Atelier Lumière', 'FR1420041010050500013M02606'));

    // Another entity's default is not this one's.
    await setDefaultAccount(await account({ iban_prefix: 'FR1420041010050500013M02606' }), 2);
    expect(await offered()).to.equal(null);
  });

  it('does not use a closed account or one of another entity, whether the invoice or the default names it', async function () {
    const open = await account({ iban_prefix: 'AT611904300234573201', proprio: 'Atelier Lumière SARL' });
    await setInvoice({ fk_account: open });
    expect((await shown()).html).to.include('AT61 1904 3002 3457 3201');

    // Closed since: the invoice still names it, so no other account stands in (the paper names that one).
    await host.db('llx_bank_account').where({ rowid: open }).update({ clos: 1 });
    await setDefaultAccount(await account({ iban_prefix: 'FR1420041010050500013M02606' }));
    expect(await offered()).to.equal(null);

    const elsewhere = await account({ entity: 2, iban_prefix: 'NL91ABNA0417164300', proprio: 'Other entity' });
    await setInvoice({ fk_account: elsewhere });
    expect(await offered()).to.equal(null);

    await setInvoice({ fk_account: null });
    await setDefaultAccount(elsewhere);
    expect(await offered()).to.equal(null);
    await setDefaultAccount(open);
    expect(await offered()).to.equal(null);
  });

  it('offers no bank transfer without an account, for a payment mode other than transfer, or for an account in another currency', async function () {
    const eur = await account({ iban_prefix: 'DE02120300000000202051', proprio: 'Atelier Lumière SARL' });
    await setDefaultAccount(eur);
    expect((await shown()).html).to.include('DE02 1203 0000 0000 2020 51');
    // Payment mode transfer (VIR, id 2 in the seed's llx_c_paiement): still offered.
    await setInvoice({ fk_mode_reglement: 2 });
    expect((await shown()).html).to.include('DE02 1203 0000 0000 2020 51');
    // Cheque (CHQ, 7) or card (CB, 6): Dolibarr's PDF prints no account, nor does the portal.
    await setInvoice({ fk_mode_reglement: 7 });
    expect(await offered()).to.equal(null);
    await setInvoice({ fk_mode_reglement: 6 });
    expect(await offered()).to.equal(null);
    await setInvoice({ fk_mode_reglement: null });

    await setDefaultAccount(await account({ currency_code: 'USD', iban_prefix: 'GB29NWBK60161331926819' }));
    expect(await offered()).to.equal(null);

    await setDefaultAccount(null);
    expect(await offered()).to.equal(null);
  });
});
