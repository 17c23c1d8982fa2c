// Dolibarr's proposals and invoices from bindings/dolibarr-commercial.yaml against the hand-written
// binding (plugins/dolibarr) on the same rows of Dolibarr's real schema: every client's lists and
// every record read through the file equal what the hand binding reads, field by field, the
// letterhead, the bank account and the VAT mention included (on rows that exercise each: an
// account the invoice names, the default setting's, a closed one, one in another currency, a
// payment mode that is not a transfer, payment terms translated by their code and one that is not, a payment mode the portal has no word for,
// a company not subject to VAT, in France and elsewhere);
// and an invoice's payments with the credit notes and deposits used on it, which the hand binding
// lists together and the file reads from its two sources of payments;
// then the client's invoice, pay and proposal pages served by the portal through each binding
// are equal byte for byte, and their PDFs, the receipts and the statement's in text.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { DOLIBARR_PAYMENT_TERMS } from '../../plugins/dolibarr/payment-terms.ts';
import { readBindingFile } from '../../plugins/file-binding/load.ts';
import { checkBindingFile } from '../../plugins/file-binding/check.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import type { InvoiceDetail } from '../../src/features/invoices/port.ts';
import type { OfferDetail } from '../../src/features/offers/port.ts';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { binary, flatText as flat, pdfText } from '../support/pdf-text.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import {
  companySetting,
  insertClaireLogin,
  insertLetterhead,
  moveGarageToGermany,
  servePortalBeside,
  startDolibarrHost,
  unavailable,
  type DolibarrHost,
} from '../dolibarr/dolibarr-host.ts';
import { bindingFromFile } from './serve-binding-file.ts';

const PASSWORD = 'Claire-portal-2026';
const CLAIRE = 'claire@martin.example';
const OPEN_IBAN = 'FR7630006000011234567890189';

/**
 * What the pages differ in by nature, not by the invoice or the proposal: the CSRF token each
 * session gets (in forms and htmx's headers), and the navigation's links to the sections the hand
 * binding serves beyond these two (a file serves only what it maps: no tasks, no projects here).
 * An open proposal's accept and decline buttons are compared: the file declares both writes.
 */
const normalise = (html: string) =>
  html
    .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value="…"')
    .replace(/&#34;X-CSRF-Token&#34;:&#34;[^&]+&#34;/g, '&#34;X-CSRF-Token&#34;:&#34;…&#34;')
    .replace(/\s*<li><a href="[^"]+\/(tasks|projects)">[^<]+<\/a><\/li>/g, '');

/**
 * Rows that exercise the documents' details, as Dolibarr's setup and cards save them: the
 * company's address, ids and country (Setup > Company, entity 0's street overridden by the
 * entity's), the bakery in France and the garage in Germany (so its letterhead names both
 * countries), and bank accounts: an open one the bakery's unpaid invoice names, the default
 * (FACTURE_RIB_NUMBER) for invoices naming none, a closed one the paid invoice names, one in
 * dollars the garage's invoice names, and the abandoned invoice paid by card (no transfer).
 */
async function seedDocumentDetails(host: DolibarrHost) {
  const { db, seed } = host;
  let accounts = 0;
  const account = async (fields: Record<string, unknown>) => {
    accounts += 1;
    const [row] = await db('llx_bank_account')
      .insert({
        ref: `ACC${accounts}`,
        label: `Account ${accounts}`,
        entity: seed.entity,
        currency_code: 'EUR',
        courant: 1,
        clos: 0,
        fk_pays: 1,
        datec: db.fn.now(),
        ...fields,
      })
      .returning<Array<{ rowid: number }>>(['rowid']);
    return row!.rowid;
  };
  const open = await account({ bank: 'Banque Populaire', iban_prefix: OPEN_IBAN, bic: 'CCBPFRPPLYO', proprio: 'Atelier Lumière SARL' });
  const fallback = await account({ bank: 'Crédit Agricole', iban_prefix: 'FR7612345000019876543210123', bic: null, proprio: null });
  const closed = await account({ bank: 'Old bank', iban_prefix: 'FR7611111000012222222222222', clos: 1 });
  const dollars = await account({ bank: 'Chase', iban_prefix: 'US00CHASE000000000001', currency_code: 'USD' });
  await insertLetterhead(host);
  await moveGarageToGermany(host);
  await db('llx_const').insert(companySetting(seed, 'FACTURE_RIB_NUMBER', String(fallback)));
  await db('llx_facture').where({ rowid: seed.invoices.unpaid }).update({ fk_account: open, fk_mode_reglement: 2 });
  await db('llx_facture').where({ rowid: seed.invoices.paid }).update({ fk_account: closed });
  await db('llx_facture').where({ rowid: seed.invoices.partlyPaid }).update({ fk_account: dollars });
  await db('llx_facture').where({ rowid: seed.invoices.abandoned }).update({ fk_mode_reglement: 6 });
  // Payment terms from llx_c_payment_term.sql (every seeded invoice has the first), which Dolibarr's
  // PDF words by their codes (PaymentConditionRECEP, PaymentCondition30D); and one an agency added,
  // with a code Dolibarr does not translate and no wording for documents, so its label is printed.
  await db('llx_c_payment_term').insert([
    {
      rowid: 1,
      code: 'RECEP',
      sortorder: 1,
      active: 1,
      libelle: 'Due upon receipt',
      libelle_facture: 'Due upon receipt',
      type_cdr: 0,
      nbjour: 1,
    },
    { rowid: 2, code: '30D', sortorder: 2, active: 1, libelle: '30 days', libelle_facture: 'Due in 30 days', type_cdr: 0, nbjour: 30 },
    { rowid: 100, code: 'NET20', sortorder: 100, active: 1, libelle: 'Net 20', libelle_facture: ' ', type_cdr: 0, nbjour: 20 },
  ]);
  await db('llx_facture').where({ rowid: seed.invoices.paid }).update({ fk_cond_reglement: 2 });
  await db('llx_facture').where({ rowid: seed.invoices.partlyPaid }).update({ fk_cond_reglement: 100 });
  // A first instalment on the unpaid invoice by bill of exchange (llx_c_paiement.sql's LCR), a mode
  // the portal has no word for: shown by Dolibarr's name for it.
  await db('llx_c_paiement').insert({ id: 52, code: 'LCR', libelle: 'Bill of exchange', type: 2, active: 1 });
  const [instalment] = await db('llx_paiement')
    .insert({
      entity: seed.entity,
      ref: 'PAY2602-0009',
      ref_ext: '',
      datec: '2026-02-20 12:00:00',
      datep: '2026-02-20 12:00:00',
      amount: '100.00',
      multicurrency_amount: '100.00',
      fk_paiement: 52,
      num_paiement: 'LCR-0042',
      note: '',
      fk_user_creat: seed.users.admin,
      pos_change: 0,
    })
    .returning<Array<{ rowid: number }>>(['rowid']);
  await db('llx_paiement_facture').insert({
    fk_facture: seed.invoices.unpaid,
    fk_paiement: instalment!.rowid,
    amount: '100.00',
    multicurrency_amount: '100.00',
    multicurrency_code: 'EUR',
    multicurrency_tx: 1,
  });
  // More of the unpaid invoice settled as Dolibarr's card lists it beside the payments: a paid
  // deposit invoice (type 3) and a credit note (type 2), each converted into a discount
  // (llx_societe_remise_except, from Facture's "convert into discount") and used on the invoice,
  // which DiscountAbsolute::link_to_invoice writes as the discount's fk_facture. Dated around the
  // instalment, so the invoice's list interleaves the two tables.
  await useDiscount(host, seed.invoices.unpaid, { type: 3, ref: 'FA2601-0009', day: '2026-01-08', used: '2026-02-16 09:00:00', ht: 200 });
  await useDiscount(host, seed.invoices.unpaid, { type: 2, ref: 'AV2602-0009', day: '2026-02-22', used: '2026-02-22 15:00:00', ht: 50 });
}

/**
 * A deposit invoice paid in full (type 3) or a credit note (type 2, negative amounts) of the
 * invoice's company at 20% VAT, closed, turned into a discount of its amount and used on `invoice`.
 */
async function useDiscount(
  host: DolibarrHost,
  invoice: number,
  source: { type: 2 | 3; ref: string; day: string; used: string; ht: number },
) {
  const { db, seed } = host;
  const [owner] = await db('llx_facture').where({ rowid: invoice }).select<Array<{ fk_soc: number }>>('fk_soc');
  const sign = source.type === 2 ? -1 : 1;
  const amounts = { ht: (sign * source.ht).toFixed(2), tva: (sign * source.ht * 0.2).toFixed(2), ttc: (sign * source.ht * 1.2).toFixed(2) };
  const [made] = await db('llx_facture')
    .insert({
      ref: source.ref,
      entity: seed.entity,
      type: source.type,
      fk_soc: owner!.fk_soc,
      datec: `${source.day} 11:00:00`,
      datef: source.day,
      date_valid: source.day,
      date_lim_reglement: source.day,
      paye: 1,
      fk_statut: 2,
      total_ht: amounts.ht,
      total_tva: amounts.tva,
      total_ttc: amounts.ttc,
      fk_facture_source: source.type === 2 ? invoice : null,
      fk_user_author: seed.users.admin,
      fk_user_valid: seed.users.admin,
      fk_cond_reglement: 1,
      date_closing: `${source.day} 12:00:00`,
      fk_user_closing: seed.users.admin,
      multicurrency_code: 'EUR',
      multicurrency_tx: 1,
      multicurrency_total_ht: amounts.ht,
      multicurrency_total_tva: amounts.tva,
      multicurrency_total_ttc: amounts.ttc,
    })
    .returning<Array<{ rowid: number }>>(['rowid']);
  await db('llx_facturedet').insert({
    fk_facture: made!.rowid,
    label: source.type === 2 ? 'Goodwill' : 'Deposit 20%',
    description: '',
    tva_tx: 20,
    qty: 1,
    subprice: sign * source.ht,
    price: sign * source.ht,
    total_ht: amounts.ht,
    total_tva: amounts.tva,
    total_ttc: amounts.ttc,
    product_type: 1,
    rang: 1,
    fk_user_author: seed.users.admin,
  });
  if (source.type === 3) {
    const [paid] = await db('llx_paiement')
      .insert({
        entity: seed.entity,
        ref: `PAY${source.ref.slice(2)}`,
        ref_ext: '',
        datec: `${source.day} 12:00:00`,
        datep: `${source.day} 12:00:00`,
        amount: amounts.ttc,
        multicurrency_amount: amounts.ttc,
        fk_paiement: 2,
        num_paiement: '',
        note: '',
        fk_user_creat: seed.users.admin,
        pos_change: 0,
      })
      .returning<Array<{ rowid: number }>>(['rowid']);
    await db('llx_paiement_facture').insert({
      fk_facture: made!.rowid,
      fk_paiement: paid!.rowid,
      amount: amounts.ttc,
      multicurrency_amount: amounts.ttc,
      multicurrency_code: 'EUR',
      multicurrency_tx: 1,
    });
  }
  // The discount is the source's amount, positive; used on the invoice by its fk_facture.
  await db('llx_societe_remise_except').insert({
    entity: seed.entity,
    fk_soc: owner!.fk_soc,
    discount_type: 0,
    datec: source.used,
    amount_ht: source.ht.toFixed(2),
    amount_tva: (source.ht * 0.2).toFixed(2),
    amount_ttc: (source.ht * 1.2).toFixed(2),
    tva_tx: 20,
    fk_user: seed.users.admin,
    fk_facture: invoice,
    fk_facture_source: made!.rowid,
    description: source.type === 2 ? '(CREDIT_NOTE)' : '(DEPOSIT)',
    multicurrency_code: 'EUR',
    multicurrency_tx: 1,
    multicurrency_amount_ht: source.ht.toFixed(2),
    multicurrency_amount_tva: (source.ht * 0.2).toFixed(2),
    multicurrency_amount_ttc: (source.ht * 1.2).toFixed(2),
  });
}

const FILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bindings/dolibarr-commercial.yaml');
const reason = unavailable();

const OFFER_FIELDS = [
  'id',
  'kind',
  'number',
  'title',
  'status',
  'currency',
  'totalCents',
  'validUntil',
  'sentAt',
  'decidedAt',
  'clientId',
  'body',
  'lines',
  'subtotalCents',
  'taxCents',
  'seller',
  'buyer',
] as const;
const INVOICE_FIELDS = [
  'id',
  'number',
  'status',
  'currency',
  'totalCents',
  'paidCents',
  'balanceCents',
  'issueDate',
  'dueDate',
  'clientId',
  'lines',
  'subtotalCents',
  'taxCents',
  'notes',
  'seller',
  'buyer',
  'paymentTerms',
  'paymentTermsByLocale',
  'bank',
  'vatExemption',
] as const;

const PAYMENT_FIELDS = ['id', 'amountCents', 'method', 'methodLabel', 'reference', 'number', 'paidAt'] as const;

const pick = <T extends object>(value: T | null, fields: readonly string[]) =>
  value === null ? null : Object.fromEntries(fields.map((field) => [field, (value as Record<string, unknown>)[field]]));

describe('binding file: Dolibarr proposals and invoices read as the hand-written binding reads them', function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let hand: HostAdapter;
  let file: HostAdapter;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Dolibarr schema here: Dolibarr's real schema loads only with psql into a server.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    hand = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, actingUserId: host.seed.users.admin });
    file = (await bindingFromFile(host.db, FILE)).adapter;
    await seedDocumentDetails(host);
  });
  after(async function () {
    await host?.close();
  });

  it('finds the same workspace, clients and contacts', async function () {
    const workspace = (await hand.workspaces.findBySlug(host.seed.workspaceSlug))!;
    expect(await file.workspaces.findBySlug(host.seed.workspaceSlug)).to.deep.include({ id: workspace.id, slug: workspace.slug });
    expect(await file.clients.list('1')).to.deep.equal(await hand.clients.list('1'));
    const contacts = (list: Awaited<ReturnType<HostAdapter['contacts']['list']>>) =>
      list.map((c) => pick(c, ['id', 'clientId', 'email', 'name'])).sort((a, b) => String(a!.id).localeCompare(String(b!.id)));
    expect(contacts(await file.contacts.list('1'))).to.deep.equal(contacts(await hand.contacts.list('1')));
  });

  it("lists each client's proposals and invoices, in the same order, and reads each the same", async function () {
    const compared = await compareRecords();
    expect(compared.records, 'records compared').to.be.greaterThan(5);
    // What the seeded rows exercise: a letterhead naming the countries, accounts given and withheld.
    expect(compared.banks, 'invoices with a bank account').to.be.greaterThan(0);
    expect(compared.withoutBank, 'invoices without one').to.be.greaterThan(0);
    expect(compared.countries, 'letterheads naming the countries').to.be.greaterThan(0);
    // Payments of each mode, and the credit notes and deposits used: the bakery's and the garage's.
    expect(compared.settled, 'payments compared').to.include.members(['lcr', 'credit_note', 'deposit', 'card']);
    expect(
      compared.settled.filter((method) => method === 'credit_note'),
      'credit notes used',
    ).to.have.length(2);
    // As an English reader gets them: Dolibarr's wording of a code it translates, else the dictionary's.
    expect(compared.terms, 'payment terms').to.deep.equal(['30 days', 'Due Upon Receipt', 'Net 20']);
  });

  it('reads the VAT mention of a company not subject to VAT the same, in France and elsewhere', async function () {
    const setting = (name: string) => host.db('llx_const').where({ name, entity: 1 });
    await host.db('llx_const').insert({ name: 'FACTURE_TVAOPTION', entity: 1, value: '0', type: 'chaine', visible: 0 });
    try {
      expect((await compareRecords()).exempt, 'French invoices without VAT').to.be.greaterThan(0);
      await setting('MAIN_INFO_SOCIETE_COUNTRY').update({ value: '5:DE:Germany' });
      expect((await compareRecords()).exempt, 'German invoices without VAT').to.be.greaterThan(0);
    } finally {
      await setting('MAIN_INFO_SOCIETE_COUNTRY').update({ value: '1:FR:France' });
      await setting('FACTURE_TVAOPTION').delete();
    }
  });

  it("serves the client's invoice, pay and proposal pages byte for byte as the hand binding's, and their PDFs in text", async function () {
    const { db, seed } = host;
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    // Online payments stay off: the file declares no payment write, so only the hand binding could
    // take one; the pay page then offers the transfer alone, from the invoice's bank account.
    const served: PortalOnHost[] = [];
    try {
      const pages = async (adapter: HostAdapter) => {
        const running = await servePortalBeside(host, adapter);
        served.push(running);
        const agent = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: CLAIRE, password: PASSWORD });
        const base = `/portal/${seed.workspaceSlug}`;
        const paths = [
          ...[seed.invoices.unpaid, seed.invoices.paid].flatMap((id) => [`${base}/invoices/${id}`, `${base}/invoices/${id}/pay`]),
          ...[seed.proposals.signed, seed.proposals.accept].map((id) => `${base}/proposals/${id}`),
        ];
        const texts: Record<string, string> = {};
        for (const href of paths) {
          const res = await agent.get(href);
          texts[`${href} ${res.status}`] = normalise(res.text);
        }
        // A German and a French reader's invoice page, where the terms are worded in their language.
        for (const lang of ['de', 'fr']) {
          const href = `${base}/invoices/${seed.invoices.paid}`;
          const res = await agent.get(href).set('Accept-Language', lang);
          texts[`${href} ${lang} ${res.status}`] = normalise(res.text);
        }
        // The PDFs, where the letterhead, the account, the VAT mention and the terms are printed:
        // their text, as a PDF's bytes carry the moment it was made.
        // The receipt of each thing that settled part of the unpaid invoice: a payment, a deposit, a credit note.
        const settled = (await hand.invoices!.find('1', String(seed.companies.bakery), String(seed.invoices.unpaid)))!.payments;
        expect(settled.map((payment) => payment.method)).to.deep.equal(['deposit', 'lcr', 'credit_note']);
        for (const [href, lang] of [
          ...[seed.invoices.unpaid, seed.invoices.paid].map((id) => [`${base}/invoices/${id}.pdf`, 'en']),
          ...settled.map((payment) => [`${base}/invoices/${seed.invoices.unpaid}/receipts/${encodeURIComponent(payment.id)}.pdf`, 'en']),
          ...['de', 'fr'].map((lang) => [`${base}/invoices/${seed.invoices.paid}.pdf`, lang]),
          ...[seed.proposals.signed, seed.proposals.accept].map((id) => [`${base}/proposals/${id}.pdf`, 'en']),
          [`${base}/invoices/statement.pdf`, 'en'],
        ] as const) {
          const res = await agent.get(href).set('Accept-Language', lang).buffer(true).parse(binary);
          texts[`${href} ${lang} ${res.status}`] = res.status === 200 ? flat(await pdfText(res.body as Buffer)) : '';
        }
        return texts;
      };
      const [byHand, byFile] = [await pages(hand), await pages(file)];
      expect(Object.keys(byHand).filter((key) => key.endsWith(' 200'))).to.have.length.greaterThan(9);
      const invoicePdf = byFile[`/portal/${seed.workspaceSlug}/invoices/${seed.invoices.unpaid}.pdf en 200`];
      expect(invoicePdf).to.include('12 rue des Lilas').and.include('FR12345678901').and.include('Due Upon Receipt');
      // Term 30D as Dolibarr's PDF words it in each language, not the dictionary's "Due in 30 days".
      for (const [lang, wording] of [
        ['en', '30 days'],
        ['de', '30 Tage netto'],
        ['fr', 'Règlement à 30 jours'],
      ])
        expect(byFile[`/portal/${seed.workspaceSlug}/invoices/${seed.invoices.paid}.pdf ${lang} 200`], lang)
          .to.include(wording)
          .and.not.include('Due in 30 days');
      for (const key of Object.keys(byHand)) {
        if (process.env.PAGES_DIR && byFile[key] !== byHand[key]) {
          const name = key.replace(/\W+/g, '_');
          writeFileSync(path.join(process.env.PAGES_DIR, `${name}.hand.html`), byHand[key]!);
          writeFileSync(path.join(process.env.PAGES_DIR, `${name}.file.html`), byFile[key] ?? '');
        }
        expect(byFile[key], key).to.equal(byHand[key]);
      }
      // The pay page of the unpaid invoice offers the transfer, with the account's IBAN.
      const pay = Object.entries(byFile).find(([key]) => key.includes(`/invoices/${seed.invoices.unpaid}/pay`))?.[1];
      expect(pay).to.include(OPEN_IBAN.replace(/(.{4})(?=.)/g, '$1 '));
    } finally {
      for (const running of served) await running.close();
    }
  });

  /** Every client's lists and records through both bindings, compared; what they held. */
  async function compareRecords() {
    let records = 0;
    let banks = 0;
    let withoutBank = 0;
    let countries = 0;
    let exempt = 0;
    const settled: string[] = [];
    const terms = new Set<string>();
    for (const client of await hand.clients.list('1')) {
      for (const status of [undefined, ['open'], ['accepted', 'declined']] as const) {
        const filter = status ? { status: [...status] as Array<'open'> } : {};
        const [a, b] = [
          await hand.offers!.list('1', client.id, 'proposal', filter, { limit: 100 }),
          await file.offers!.list('1', client.id, 'proposal', filter, { limit: 100 }),
        ];
        expect(b.items, `${client.name} proposals ${status}`).to.deep.equal(a.items);
      }
      for (const summary of (await hand.offers!.list('1', client.id, 'proposal', {}, { limit: 100 })).items) {
        const read = async (adapter: HostAdapter) =>
          pick<OfferDetail>(await adapter.offers!.find('1', client.id, 'proposal', summary.id), OFFER_FIELDS);
        const expected = await read(hand);
        expect(await read(file), summary.number).to.deep.equal(expected);
        if (JSON.stringify(expected).includes('Germany')) countries += 1;
        records += 1;
      }
      for (const status of [undefined, ['open'], ['paid'], ['void']] as const) {
        const filter = status ? { status: [...status] as Array<'open'> } : {};
        const [a, b] = [
          await hand.invoices!.list('1', client.id, filter, { limit: 100 }),
          await file.invoices!.list('1', client.id, filter, { limit: 100 }),
        ];
        expect(b.items, `${client.name} invoices ${status}`).to.deep.equal(a.items);
      }
      for (const summary of (await hand.invoices!.list('1', client.id, {}, { limit: 100 })).items) {
        const read = async (adapter: HostAdapter) =>
          pick<InvoiceDetail>(await adapter.invoices!.find('1', client.id, summary.id), INVOICE_FIELDS);
        const expected = await read(hand);
        expect(await read(file), summary.number).to.deep.equal(expected);
        // Payments, with the credit notes and deposits used on the invoice, in the same order.
        const paid = async (adapter: HostAdapter) =>
          (await adapter.invoices!.find('1', client.id, summary.id))!.payments.map((p) => pick(p, PAYMENT_FIELDS));
        const byHand = await paid(hand);
        expect(await paid(file), `${summary.number} payments`).to.deep.equal(byHand);
        for (const payment of byHand) settled.push(String(payment!.method));
        if (expected?.bank) banks += 1;
        else withoutBank += 1;
        if (expected?.vatExemption) exempt += 1;
        const byLocale = expected?.paymentTermsByLocale as InvoiceDetail['paymentTermsByLocale'];
        if (expected?.paymentTerms) terms.add(byLocale?.en ?? (expected.paymentTerms as string));
        records += 1;
      }
    }
    // The statement's letterhead, for each client.
    for (const client of await hand.clients.list('1'))
      expect(await file.clients.letterhead!('1', client.id), client.name).to.deep.equal(await hand.clients.letterhead!('1', client.id));
    return { records, banks, withoutBank, countries, exempt, settled: settled.sort(), terms: [...terms].sort() };
  }

  it("check finds nothing to stop the file, and shows the client's letterhead, account and unset settings", async function () {
    const report = await checkBindingFile(host.db, FILE, { client: String(host.seed.companies.bakery) });
    expect(report.problems).to.deep.equal([]);
    const text = report.lines.join('\n');
    expect(text).to.include('letterhead, seller: Atelier Lumière, 12 rue des Lilas, Bâtiment B, 69002 Lyon; VAT FR12345678901');
    expect(text).to.include('letterhead, client: 8 place du Marché, 69003 Lyon; tax id FR98765432109');
    expect(text).to.include(
      `FA2601-0001: bank account ${OPEN_IBAN}, CCBPFRPPLYO, Banque Populaire, Atelier Lumière SARL; VAT mention none; payment terms Due upon receipt (by its code: Due Upon Receipt / Sofort nach Erhalt / A réception)`,
    );
    expect(text).to.include('settings with no row in this workspace (read as empty): FACTURE_TVAOPTION');
  });

  it('counts the same on the dashboard', async function () {
    const contacts = await hand.contacts.list('1');
    for (const client of await hand.clients.list('1')) {
      const contact = contacts.find((c) => c.clientId === client.id);
      if (!contact) continue;
      const [a, b] = [
        await hand.summaries.forClient('1', client.id, contact.id),
        await file.summaries.forClient('1', client.id, contact.id),
      ];
      expect(pick(b, ['proposals', 'invoices']), client.name).to.deep.equal(pick(a, ['proposals', 'invoices']));
    }
  });
});

describe("binding file: Dolibarr's payment terms worded as the hand-written binding words them", function () {
  it('gives every code the same wordings as plugins/dolibarr/payment-terms.ts', function () {
    expect(readBindingFile(FILE).invoices?.paymentTermsByCode?.wordings).to.deep.equal(DOLIBARR_PAYMENT_TERMS);
  });
});
