// An invoice PDF a business can file: the demo invoice carries every detail invoicing rules ask
// for (seller's legal name, address, VAT id and registration; buyer's name, address and tax id;
// invoice number, invoice date, supply period, due date; payment terms; bank details; page
// numbers), in English and German, and an EPC QR code for the transfer that decodes to the IBAN,
// the balance and the reference. A host without those details gets a PDF without their lines
// (never a label with nothing after it). Lines with tax rates get rate and amount columns and
// totals per rate, and a long invoice is numbered "Page N of M" on every page.
import { expect } from 'chai';
import { formattersFor, type Locale, renderPdfHere, type RequestI18n, translator } from '../../../core/index.ts';
import type { InvoiceDetail } from '../port.ts';
import { invoicePdfModel, presentInvoiceDetail } from '../presenters.ts';
import { invoiceReads, offerReads } from '../../../../plugins/reference-crm/binding/portal-commercial.ts';
import { offerPdfModel, presentOfferDetail } from '../../offers/presenters.ts';
import { binary, flatText as flat, pdfText } from '../../../../test/support/pdf-text.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { decodeQrPng, pdfFirstPagePng } from '../../../../test/support/qr-decode.ts';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';

/** A line whose last visible character is a colon: a label printed without a value. */
const emptyLabels = (text: string) => text.split('\n').filter((line) => /:\s*$/.test(line));

const i18nFor = (locale: Locale): RequestI18n => ({ locale, timeZone: 'UTC', t: translator(locale), fmt: formattersFor(locale, 'UTC') });

describe('invoice PDF: the details an invoice a business can file carries', function () {
  let h: PortalHarness;
  let maria: Awaited<ReturnType<typeof signedInAgent>>;
  let invoiceHref: string;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    maria = await signedInAgent(h.agent(), 'demo', login);
    const { id } = await h.crm
      .db('invoices as i')
      .join('workspaces as w', 'w.id', 'i.workspace_id')
      .where({ 'w.slug': 'demo', 'i.number': 'INV-0002' })
      .first('i.id');
    invoiceHref = `/portal/demo/invoices/${id}`;
  });
  after(async function () {
    await h?.close();
  });

  const download = async (lang = 'en') =>
    flat(
      await pdfText(
        (await maria.get(`${invoiceHref}.pdf`).set('Accept-Language', lang).buffer(true).parse(binary).expect(200)).body as Buffer,
      ),
    );

  it('names seller, buyer, dates, terms, bank details and pages on the demo invoice', async function () {
    const text = await download();
    const checklist = {
      'seller legal name': 'Demo Agency GmbH',
      'seller street': 'Rosenthaler Straße 40',
      'seller city': '10178 Berlin',
      'seller VAT id': 'VAT ID: DE298765432',
      'seller registration': 'Registration: HRB 187654 B, Amtsgericht Charlottenburg',
      'buyer name': 'Northwind Traders',
      'buyer street': '410 Harbor Street',
      'buyer city': 'Seattle, WA 98101',
      'buyer tax id': 'Tax ID: 91-1144442',
      'invoice number': 'Invoice number INV-0002',
      'invoice date': 'Issued Nov 6, 2026',
      'supply period': 'Period of supply Oct 7, 2026 – Nov 5, 2026',
      'due date': 'Due Dec 6, 2026',
      'payment terms': 'Payment terms Payable within 30 days of the invoice date without deduction.',
      'bank name': 'Bank: Commerzbank Berlin',
      IBAN: 'IBAN: DE89 3704 0044 0532 0130 00',
      BIC: 'BIC: COBADEFFXXX',
      'payment reference': 'Payment reference: INV-0002',
      'page number': 'Page 1 of 1',
    };
    const missing = Object.entries(checklist)
      .filter(([, phrase]) => !text.includes(phrase))
      .map(([field]) => field);
    expect(missing, text).to.deep.equal([]);
  });

  it('writes the demo invoice for a French reader in French, amounts and dates in French formats', async function () {
    // Intl sets a narrow no-break space (U+202F) in French amounts: the PDF's font must have it.
    const text = (await download('fr')).replace(/\u202f|\u00a0/g, ' ');
    const checklist = {
      // The foot's line may be read around the page number: the label and the number each.
      'seller VAT id label': 'N° TVA intracommunautaire :',
      'seller VAT id': 'DE298765432',
      'seller registration': 'Immatriculation : HRB 187654 B, Amtsgericht Charlottenburg',
      'buyer tax id': 'Numéro fiscal : 91-1144442',
      'invoice number': 'Numéro de facture INV-0002',
      'invoice date': 'Émise le 6 nov. 2026',
      'supply period': 'Période de prestation 7 oct. 2026 – 5 nov. 2026',
      'payment terms': 'Conditions de paiement',
      'payment reference': 'Référence du paiement : INV-0002',
      'account holder, a space before the colon': 'Titulaire du compte : Demo Agency GmbH',
      'page number': 'Page 1 sur 1',
    };
    const missing = Object.entries(checklist)
      .filter(([, phrase]) => !text.includes(phrase))
      .map(([field]) => field);
    expect(missing, text).to.deep.equal([]);
    for (const english of [
      'Invoice number',
      'Issued',
      'Period of supply',
      'Payment terms',
      'Subtotal',
      'Unit price',
      'Page 1 of',
      'Bill to',
    ])
      expect(text, english).to.not.include(english);
  });

  it("shows the rate on every line and the tax per rate on a German client's invoice (19 % and 7 %)", async function () {
    const db = h.crm.db;
    const row = await db('invoices as i')
      .join('workspaces as w', 'w.id', 'i.workspace_id')
      .where({ 'w.slug': 'demo', 'i.number': 'INV-0010' })
      .first('i.id', 'i.workspace_id', 'i.client_id', 'i.total_cents');
    const detail = (await invoiceReads(db).find(String(row.workspace_id), String(row.client_id), String(row.id)))!;
    // The figures a page, a list, the balance and the statement read are the same: net + tax per line.
    expect(detail.subtotalCents + detail.taxCents).to.equal(detail.totalCents);
    expect(detail.totalCents).to.equal(Number(row.total_cents));
    const i18n = i18nFor('en');
    const view = presentInvoiceDetail(i18n, detail, '/portal/demo/invoices/x', '2026-11-16');
    const raw = await pdfText(
      await renderPdfHere(invoicePdfModel(i18n, view, { name: 'Demo Agency', color: '#2f5bd3', logo: null }, 'Summit Outdoor Co.')),
    );
    const text = flat(raw);
    const checklist = {
      'buyer VAT id': 'Tax ID: DE811569869',
      'line at 19 %': /Product data import \(per product\)\s+850\s+€2\.50\s+19\s?%\s+€403\.75\s+€2,125\.00/,
      'line at 19 %, second': /Migration plan\s+1\s+€2,000\.00\s+19\s?%\s+€380\.00\s+€2,000\.00/,
      // The description may wrap onto a second line in the table.
      'line at 7 %': /Image usage rights, web shop \(2(?: years\))?\s+1\s+€480\.00\s+7\s?%\s+€33\.60\s+€480\.00/,
      'net and tax at 19 %': /19\s?% on €4,125\.00 €783\.75/,
      'net and tax at 7 %': /7\s?% on €480\.00 €33\.60/,
      subtotal: 'Subtotal €4,605.00',
      'total tax': 'Tax €817.35',
      total: 'Total €5,422.35',
      'page number': 'Page 1 of 1',
      'amount due, prominent under the title': 'Summit Outdoor Co. €5,422.35 due Nov 28, 2026',
    };
    const missing = Object.entries(checklist)
      .filter(([, phrase]) => (typeof phrase === 'string' ? !text.includes(phrase) : !phrase.test(`${raw}\n${text}`)))
      .map(([field]) => field);
    expect(missing, raw).to.deep.equal([]);
  });

  it("prints the reverse-charge note and the 0 % rate on an EU client's invoice", async function () {
    const db = h.crm.db;
    const row = await db('invoices as i')
      .join('workspaces as w', 'w.id', 'i.workspace_id')
      .where({ 'w.slug': 'demo', 'i.number': 'INV-0003' })
      .first('i.id', 'i.workspace_id', 'i.client_id');
    const detail = (await invoiceReads(db).find(String(row.workspace_id), String(row.client_id), String(row.id)))!;
    const i18n = i18nFor('en');
    const view = presentInvoiceDetail(i18n, detail, '/portal/demo/invoices/x', '2026-11-16');
    const text = flat(
      await pdfText(
        await renderPdfHere(invoicePdfModel(i18n, view, { name: 'Demo Agency', color: '#2f5bd3', logo: null }, 'Bluebell Bakery')),
      ),
    );
    expect(text).to.include('Reverse charge: VAT to be accounted for by the recipient');
    expect(text).to.match(/0\s?% on €1,500\.00 €0\.00/);
    expect(text).to.include('Total €1,500.00');
    // The CRM records the reason, not only its English note: German readers get German law's words.
    expect(detail.vatExemption).to.deep.equal({ reason: 'reverse_charge' });
    const de = i18nFor('de');
    const german = flat(
      await pdfText(
        await renderPdfHere(
          invoicePdfModel(
            de,
            presentInvoiceDetail(de, detail, '/portal/demo/invoices/x', '2026-11-16'),
            { name: 'Demo Agency', color: '#2f5bd3', logo: null },
            'Bluebell Bakery',
          ),
        ),
      ),
    );
    expect(german).to.include('Steuerschuldnerschaft des Leistungsempfängers').and.not.include('Reverse charge:');
    // And so does the invoice page of Bluebell's client user, in German.
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    const priya = await signedInAgent(h.agent(), 'demo', login);
    const page = await priya.get(`/portal/demo/invoices/${row.id}`).set('Accept-Language', 'de').expect(200);
    expect(page.text)
      .to.include('lang="de"')
      .and.include('Steuerschuldnerschaft des Leistungsempfängers')
      .and.not.include('Reverse charge');
  });

  it('says why no VAT is charged on a 0 % invoice, on the page and in the PDF, in the reader’s language', async function () {
    const english = "No VAT charged: the supply is not taxable in the seller's country";
    const page = await maria.get(invoiceHref).expect(200);
    expect(page.text).to.include(english.replace("'", '&#39;'));
    expect(await download()).to.include(english);
    expect(await download('de')).to.include('Keine Umsatzsteuer: Die Leistung ist im Land des Leistenden nicht steuerbar');
    expect(await download('fr')).to.include('TVA non applicable : la prestation n’est pas imposable dans le pays du vendeur');
    // Without a reason recorded, the CRM's own note is printed as the agency wrote it.
    const northwind = await h.crm.db('clients').where({ name: 'Northwind Traders' }).first('id', 'vat_exemption_note');
    await h.crm.db('clients').where({ id: northwind.id }).update({ vat_exemption_reason: null });
    try {
      expect(await download('de'), 'the agency wrote it in English').to.include(northwind.vat_exemption_note);
    } finally {
      await h.crm.db('clients').where({ id: northwind.id }).update({ vat_exemption_reason: 'not_taxable' });
    }
  });

  it('refuses a reason the portal does not know, in the column itself', async function () {
    const northwind = await h.crm.db('clients').where({ name: 'Northwind Traders' }).first('id');
    let refused: unknown = null;
    await h.crm
      .db('clients')
      .where({ id: northwind.id })
      .update({ vat_exemption_reason: 'because' })
      .catch((err: unknown) => {
        refused = err;
      });
    expect(String(refused)).to.match(/vat_exemption_reason_check/);
  });

  it('prints no such note on an invoice that charges VAT, even where the host keeps one', async function () {
    const db = h.crm.db;
    const row = await db('invoices as i')
      .join('workspaces as w', 'w.id', 'i.workspace_id')
      .where({ 'w.slug': 'demo', 'i.number': 'INV-0010' })
      .first('i.id', 'i.workspace_id', 'i.client_id');
    await db('clients').where({ id: row.client_id }).update({ vat_exemption_note: 'Reverse charge.' });
    try {
      const detail = (await invoiceReads(db).find(String(row.workspace_id), String(row.client_id), String(row.id)))!;
      expect(detail.taxCents).to.be.greaterThan(0);
      expect(detail.vatExemption).to.deep.equal({ note: 'Reverse charge.' });
      const i18n = i18nFor('en');
      const view = presentInvoiceDetail(i18n, detail, '/portal/demo/invoices/x', '2026-11-16');
      const text = flat(
        await pdfText(await renderPdfHere(invoicePdfModel(i18n, view, { name: 'Demo Agency', color: '#2f5bd3', logo: null }, 'Summit'))),
      );
      expect(text).to.not.include('Reverse charge');
    } finally {
      await db('clients').where({ id: row.client_id }).update({ vat_exemption_note: null });
    }
  });

  it('shows the tax per rate on a proposal too, its total the one lists show', async function () {
    const db = h.crm.db;
    const row = await db('proposals as q')
      .join('workspaces as w', 'w.id', 'q.workspace_id')
      .join('clients as c', (on) => on.on('c.workspace_id', 'q.workspace_id').andOn('c.id', 'q.client_id'))
      .where({ 'w.slug': 'demo', 'c.name': 'Summit Outdoor Co.' })
      .first('q.id', 'q.workspace_id', 'q.client_id');
    const offer = (await offerReads(db).find(String(row.workspace_id), String(row.client_id), 'proposal', String(row.id)))!;
    expect(offer.subtotalCents + offer.taxCents).to.equal(offer.totalCents);
    const i18n = i18nFor('en');
    const view = presentOfferDetail(i18n, offer, '/portal/demo/proposals/x', '2026-11-16');
    const text = flat(
      await pdfText(
        await renderPdfHere(offerPdfModel(i18n, view, { name: 'Demo Agency', color: '#2f5bd3', logo: null }, 'Summit Outdoor Co.')),
      ),
    );
    expect(text).to.include('Tax by rate');
    expect(text).to.match(/19\s?% on €10,625\.00 €2,018\.75/);
    expect(text).to.include('Total €12,643.75');
  });

  it('heads a proposal and a quotation as it heads an invoice: both addresses, the legal details at the foot, page numbers', async function () {
    const offerId = (table: string, title: string) =>
      h.crm
        .db(`${table} as o`)
        .join('workspaces as w', 'w.id', 'o.workspace_id')
        .where({ 'w.slug': 'demo', 'o.title': title })
        .first('o.id');
    const records = {
      proposal: `/portal/demo/proposals/${(await offerId('proposals', 'Website redesign')).id}.pdf`,
      quotation: `/portal/demo/quotations/${(await offerId('quotations', 'Product photography (40 products)')).id}.pdf`,
      invoice: `${invoiceHref}.pdf`,
    };
    const letterhead = {
      'seller legal name': 'Demo Agency GmbH',
      'seller street': 'Rosenthaler Straße 40',
      'seller city': '10178 Berlin',
      'buyer name': 'Northwind Traders',
      'buyer street': '410 Harbor Street',
      'buyer city': 'Seattle, WA 98101',
      'buyer tax id': 'Tax ID: 91-1144442',
      // Two lines at the foot, the page number beside the first.
      'legal details at the foot':
        /Demo Agency GmbH · Rosenthaler Straße 40, 10178 Berlin, Germany · VAT ID: DE298765432 · (Page 1 of 1 )?Registration: HRB 187654 B/,
      'page number': 'Page 1 of 1',
    };
    for (const [kind, href] of Object.entries(records)) {
      const text = flat(await pdfText((await maria.get(href).buffer(true).parse(binary).expect(200)).body as Buffer));
      const missing = Object.entries(letterhead)
        .filter(([, phrase]) => (typeof phrase === 'string' ? !text.includes(phrase) : !phrase.test(text)))
        .map(([field]) => field);
      expect(missing, `${kind}: ${text}`).to.deep.equal([]);
    }
  });

  it('says the same in German', async function () {
    const text = await download('de');
    for (const phrase of [
      'USt-IdNr.: DE298765432',
      'Rechnungsnummer INV-0002',
      'Leistungszeitraum',
      'Zahlungsbedingungen',
      'Bankverbindung',
      'Verwendungszweck: INV-0002',
      'Seite 1 von 1',
    ]) {
      expect(text, phrase).to.include(phrase);
    }
  });

  it('prints an EPC QR code beside the bank details that decodes to the IBAN, the balance and the reference; none in dollars', async function () {
    const id = Number(invoiceHref.split('/').pop());
    const { workspace_id: workspaceId, client_id: clientId } = await h.crm.db('invoices').where({ id }).first('workspace_id', 'client_id');
    const dollars = (await maria.get(`${invoiceHref}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer;
    expect((await h.crm.adapter.invoices!.find(String(workspaceId), String(clientId), String(id)))!.currency).to.equal('USD');
    expect(decodeQrPng(await pdfFirstPagePng(dollars)), 'no code for an invoice in dollars').to.equal(null);

    const created = await createInvoice(h.crm.db, {
      workspaceId,
      clientId,
      status: 'sent',
      currency: 'EUR',
      issueDate: '2026-11-10',
      dueDate: '2026-12-10',
      notes: '',
      items: [{ description: 'Workshop', quantity: 2, unitPriceCents: 61_725 }],
    });
    const invoice = (await h.crm.adapter.invoices!.find(String(workspaceId), String(clientId), String(created.id)))!;
    expect(invoice).to.include({ status: 'open', currency: 'EUR', balanceCents: 123_450 });
    const pdf = (await maria.get(`/portal/demo/invoices/${created.id}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer;
    expect(decodeQrPng(await pdfFirstPagePng(pdf))).to.equal(
      ['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Demo Agency GmbH', 'DE89370400440532013000', 'EUR1234.50', '', '', invoice.number].join(
        '\n',
      ),
    );
    expect(flat(await pdfText(pdf))).to.include('Scan with your banking app to pay');
  });

  it('leaves out each line a host has no value for, with its label', async function () {
    const db = h.crm.db;
    const { workspace_id: workspaceId, client_id: clientId } = await db('invoices')
      .where({ id: Number(invoiceHref.split('/').pop()) })
      .first('workspace_id', 'client_id');
    const legal = ['legal_name', 'legal_address', 'vat_id', 'registration_number', 'bank_name', 'iban', 'bic', 'payment_terms'];
    const savedWorkspace = await db('workspaces').where({ id: workspaceId }).first(legal);
    const savedClient = await db('clients').where({ id: clientId }).first('address', 'tax_id');
    const savedInvoice = await db('invoices')
      .where({ id: Number(invoiceHref.split('/').pop()) })
      .first('supply_date', 'supply_end_date');
    await db('workspaces')
      .where({ id: workspaceId })
      .update(Object.fromEntries(legal.map((column) => [column, null])));
    await db('clients').where({ id: clientId }).update({ address: null, tax_id: null });
    await db('invoices')
      .where({ id: Number(invoiceHref.split('/').pop()) })
      .update({ supply_date: null, supply_end_date: null });
    try {
      const raw = await pdfText((await maria.get(`${invoiceHref}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer);
      const text = flat(raw);
      for (const label of [
        'VAT ID',
        'Registration',
        'Tax ID',
        'Period of supply',
        'Date of supply',
        'Payment terms',
        'Bank details',
        'IBAN',
        'BIC',
        'Bill to',
        'From',
      ]) {
        expect(text, label).to.not.include(label);
      }
      expect(emptyLabels(raw), 'labels without a value').to.deep.equal([]);
      expect(text).to.include('Invoice number INV-0002');
      expect(text).to.include('Page 1 of 1');
    } finally {
      await db('workspaces').where({ id: workspaceId }).update(savedWorkspace);
      await db('clients').where({ id: clientId }).update(savedClient);
      await db('invoices')
        .where({ id: Number(invoiceHref.split('/').pop()) })
        .update(savedInvoice);
    }
  });
});

describe('invoice PDF: tax per line and per rate, and page numbers on a long invoice', function () {
  const invoice = (lines: number): InvoiceDetail => ({
    id: '7',
    number: 'INV-0107',
    status: 'open',
    currency: 'EUR',
    totalCents: 0,
    paidCents: 0,
    balanceCents: 0,
    issueDate: '2026-11-02',
    dueDate: '2026-12-02',
    clientId: '3',
    notes: '',
    payments: [],
    lines: Array.from({ length: lines }, (_, index) => ({
      description: `Line ${index + 1}`,
      quantity: 1,
      unitPriceCents: 10_000,
      totalCents: 10_000,
      taxRatePercent: index % 2 ? 7 : 19,
    })),
    subtotalCents: lines * 10_000,
    taxCents: 0,
  });
  const render = async (detail: InvoiceDetail, locale: Locale = 'en') => {
    const i18n = i18nFor(locale);
    const view = presentInvoiceDetail(i18n, detail, '/portal/x/invoices/7', '2026-11-10');
    return pdfText(await renderPdfHere(invoicePdfModel(i18n, view, { name: 'Tax Test', color: '#2f5bd3', logo: null }, 'Buyer Ltd')));
  };

  it("shows each line's tax rate and amount, and the net and tax per rate", async function () {
    const text = await render(invoice(3));
    // pdftotext may drop the narrow space before the percent sign.
    expect(text).to.match(/Tax\s?%\s+Tax\s+Total/);
    expect(text).to.match(/Line 1\s+1\s+€100\.00\s+19\s?%\s+€19\.00\s+€100\.00/);
    expect(text).to.match(/Line 2\s+1\s+€100\.00\s+7\s?%\s+€7\.00\s+€100\.00/);
    expect(flat(text)).to.include('Tax by rate');
    expect(flat(text)).to.match(/19\s?% on €200\.00 €38\.00/);
    expect(flat(text)).to.match(/7\s?% on €100\.00 €7\.00/);
  });

  it("sets the seller's legal details and the page number at the foot of every page of a long invoice and a long proposal", async function () {
    const seller = { legalName: 'Tax Test GmbH', addressLines: ['Hauptstraße 1', '10115 Berlin'], vatId: 'DE123456789' };
    const i18n = i18nFor('en');
    const brand = { name: 'Tax Test', color: '#2f5bd3', logo: null };
    const detail = { ...invoice(40), seller };
    const view = presentInvoiceDetail(i18n, detail, '/portal/x/invoices/7', '2026-11-10');
    const offer = presentOfferDetail(
      i18n,
      {
        id: '9',
        kind: 'proposal',
        number: 'PRO-0009',
        title: 'A long proposal',
        status: 'open',
        currency: 'EUR',
        totalCents: detail.subtotalCents,
        validUntil: null,
        sentAt: null,
        decidedAt: null,
        clientId: '3',
        body: '',
        lines: detail.lines,
        subtotalCents: detail.subtotalCents,
        taxCents: 0,
        terms: null,
        seller,
        buyer: { addressLines: ['1 Buyer Road', 'London'] },
      },
      '/portal/x/proposals/9',
      '2026-11-10',
    );
    for (const model of [invoicePdfModel(i18n, view, brand, 'Buyer Ltd'), offerPdfModel(i18n, offer, brand, 'Buyer Ltd')]) {
      const pages = (await pdfText(await renderPdfHere(model))).split('\f').filter((page) => page.trim());
      expect(pages, model.heading).to.have.length(2);
      pages.forEach((page, index) => {
        expect(flat(page), `${model.heading}, page ${index + 1}`).to.include(
          'Tax Test GmbH · Hauptstraße 1, 10115 Berlin · VAT ID: DE123456789',
        );
        expect(page).to.include(`Page ${index + 1} of 2`);
      });
    }
  });

  it("words the reason a host records without a note of its own, in the reader's language, with the certificate", async function () {
    const zero = (vatExemption: InvoiceDetail['vatExemption']): InvoiceDetail => ({
      ...invoice(1),
      lines: [{ description: 'Line 1', quantity: 1, unitPriceCents: 10_000, totalCents: 10_000, taxRatePercent: 0 }],
      subtotalCents: 10_000,
      totalCents: 10_000,
      vatExemption,
    });
    expect(flat(await render(zero({ reason: 'small_business' }), 'de'))).to.include(
      'Keine Umsatzsteuer: Der Leistende ist Kleinunternehmer und von der Umsatzsteuer befreit.',
    );
    expect(flat(await render(zero({ reason: 'reverse_charge' })))).to.include('Reverse charge: VAT to be accounted for by the recipient.');
    expect(flat(await render(zero({ reason: 'exempt', certificate: 'RC-88123' })))).to.include(
      'No VAT charged: the supply is exempt from VAT. Exemption certificate: RC-88123',
    );
    const own = flat(await render(zero({ reason: 'small_business', note: 'TVA non applicable, art. 293 B du CGI' }), 'de'));
    expect(own, "the host's own words win").to.include('TVA non applicable, art. 293 B du CGI');
    expect(own).to.not.include('Kleinunternehmer');
    expect(flat(await render(zero(null)))).to.not.match(/No VAT charged|Reverse charge/);
  });

  it('numbers every page of a long invoice', async function () {
    const text = await render(invoice(40));
    const pages = text.split('\f').filter((page) => page.trim());
    expect(pages).to.have.length(2);
    expect(pages[0]).to.include('Page 1 of 2');
    expect(pages[1]).to.include('Page 2 of 2');
    expect(pages[1]).to.include('Line 40');
    const german = await render(invoice(40), 'de');
    expect(german).to.include('Seite 1 von 2');
    expect(german).to.include('Seite 2 von 2');
    const french = await render(invoice(40), 'fr');
    expect(french).to.include('Page 1 sur 2');
    expect(french).to.include('Page 2 sur 2');
  });
});
