// The letterhead of the portal's PDFs from Alga PSA's own data: the MSP from the tenant's default
// company (tenant_companies → clients, its billing location in client_locations, its tax id or
// the tenant's), the client from its clients row and billing location, read in one statement: on
// the invoice, the quote and the statement of account as the client downloads them, in English and
// German.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { binary, flatText as flat, pdfText } from '../support/pdf-text.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import { countQueries } from '../support/query-counter.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';

const reason = unavailable();
const SOPHIE = { email: 'sophie@harbor.example', password: 'Sophie-alga-2026!' };

describe('alga-psa host: the letterhead of the PDFs', function () {
  this.timeout(240_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let base: string;
  let sophie: ReturnType<typeof request.agent>;

  /** A location as Alga's client screen saves it. */
  const locate = (clientId: string, fields: Record<string, unknown>) =>
    host.db('client_locations').insert({
      location_id: randomUUID(),
      tenant: host.seed.tenant,
      client_id: clientId,
      is_active: true,
      ...fields,
    });

  before(async function () {
    // No real Alga database here (no DATABASE_URL, or no schema file): `reason` says which, and
    // the PostgreSQL CI pass, which has both, runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    const tenant = seed.tenant;
    // The MSP's own company, as Alga's onboarding makes it: a clients row named the default tenant company.
    const [own] = await db('clients')
      .insert({ tenant, client_name: 'Northwind IT Ltd', tax_id_number: 'GB123456789' })
      .returning<Array<{ client_id: string }>>(['client_id']);
    await db('tenant_companies').insert({ tenant, client_id: own!.client_id, is_default: true });
    await locate(own!.client_id, {
      address_line1: '1 Canal Street',
      address_line2: 'Floor 3',
      city: 'Manchester',
      postal_code: 'M1 3HE',
      country_code: 'GB',
      country_name: 'United Kingdom',
      is_default: true,
    });
    // The client: a shipping address, and the billing one the letterhead names.
    await locate(seed.clients.bakery, {
      address_line1: '9 Dock Road',
      city: 'Leeds',
      country_code: 'GB',
      country_name: 'United Kingdom',
      is_shipping_address: true,
    });
    await locate(seed.clients.bakery, {
      address_line1: '410 Harbor Street',
      city: 'Seattle',
      state_province: 'WA',
      postal_code: '98101',
      country_code: 'US',
      country_name: 'United States',
      is_billing_address: true,
    });
    await db('clients').where({ tenant, client_id: seed.clients.bakery }).update({ tax_id_number: '91-1144442' });
    let slug: string;
    ({ running, slug } = await portalBesideAlga(host, { serve: true }));
    base = `/portal/${slug}`;
    // Sophie as her company's admin in Alga, so every document is hers to read.
    await db('user_roles').where({ tenant, user_id: seed.users.sophie }).delete();
    await db('user_roles').insert({ tenant, user_id: seed.users.sophie, role_id: seed.clientRoles.Admin });
    sophie = await signedInAgent(request.agent(running.url), slug, SOPHIE);
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  const text = async (href: string, lang = 'en') =>
    flat(await pdfText((await sophie.get(href).set('Accept-Language', lang).buffer(true).parse(binary).expect(200)).body as Buffer));

  const LETTERHEAD = {
    'seller name': 'Northwind IT Ltd',
    'seller street': '1 Canal Street',
    'seller city': 'M1 3HE Manchester',
    'buyer street': '410 Harbor Street',
    'buyer city': 'Seattle, WA 98101',
    'legal details at the foot': /Northwind IT Ltd · 1 Canal Street, Floor 3, M1 3HE Manchester, United Kingdom · VAT ID: GB123456789/,
    'buyer tax id': 'Tax ID: 91-1144442',
  };

  it("heads the invoice, the quote and the statement with the MSP's company and the client's billing address", async function () {
    const { seed } = host;
    for (const href of [
      `${base}/invoices/${seed.invoices.unpaid}.pdf`,
      `${base}/quotations/${seed.quotes.accept}.pdf`,
      `${base}/invoices/statement.pdf`,
      // A calendar year's statement, headed by its period, as the invoice list offers it.
      `${base}/invoices/statement.pdf?period=year:${new Date().getFullYear()}`,
    ]) {
      const pdf = await text(href);
      if (href.includes('period='))
        expect(pdf, href).to.include(`Period Jan 1, ${new Date().getFullYear()} – Dec 31, ${new Date().getFullYear()}`);
      const missing = Object.entries(LETTERHEAD)
        .filter(([, phrase]) => (typeof phrase === 'string' ? !pdf.includes(phrase) : !phrase.test(pdf)))
        .map(([field]) => field);
      expect(missing, `${href}: ${pdf}`).to.deep.equal([]);
      expect(pdf, 'the shipping address is not the one billed').to.not.include('9 Dock Road');
    }
  });

  it('says the same in German', async function () {
    const pdf = await text(`${base}/invoices/statement.pdf`, 'de');
    // The countries Alga names in English, in German; the longer footer wraps, so its VAT id is
    // read on its own (the page number may sit between the label and the id in the text).
    for (const phrase of [
      'USt-IdNr.:',
      'GB123456789',
      'Steuer-ID: 91-1144442',
      '410 Harbor Street',
      'Seite 1 von 1',
      'Vereinigtes Königreich',
      'Vereinigte Staaten',
    ])
      expect(pdf, phrase).to.include(phrase);
    expect(pdf).not.to.include('United Kingdom');
  });

  it("reads the letterhead in one statement, only of the tenant's own clients", async function () {
    const { seed } = host;
    const adapter = host.adapter();
    // Counted where statements go out, the portal's background work (its timers) left out.
    const counter = countQueries();
    try {
      let parties: unknown;
      const { count, sql } = await counter.measure(async () => {
        parties = await adapter.clients.letterhead!(seed.tenant, seed.clients.bakery);
      });
      expect(count, sql.join('\n')).to.equal(1);
      expect(parties).to.deep.equal({
        seller: {
          legalName: 'Northwind IT Ltd',
          addressLines: ['1 Canal Street', 'Floor 3', 'M1 3HE Manchester', 'United Kingdom'],
          vatId: 'GB123456789',
          registrationNumber: null,
        },
        buyer: { addressLines: ['410 Harbor Street', 'Seattle, WA 98101', 'United States'], taxId: '91-1144442' },
      });
    } finally {
      counter.stop();
    }
    expect(await adapter.clients.letterhead!(seed.tenant, seed.clients.otherTenantClient)).to.equal(null);
    expect(await adapter.clients.letterhead!(seed.otherTenant, seed.clients.bakery)).to.equal(null);
    expect(await adapter.clients.letterhead!(seed.tenant, seed.clients.inactive)).to.equal(null);
  });
});
