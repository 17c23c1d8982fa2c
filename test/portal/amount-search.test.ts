// A list's search read as an amount, as the reader writes numbers; and the reference CRM's lists
// found by it (the other hosts: test/dolibarr/visibility.test.ts, test/alga-psa/visibility.test.ts).
import { expect } from 'chai';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import { amountSearchOf } from '../../src/core/web/amount-search.ts';
import { expectListsFoundByAmount } from '../support/amount-search.ts';
import { demoNorthwind } from '../support/demo-records.ts';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../support/portal-harness.ts';

describe('searching lists by amount', function () {
  it('reads an amount as the reader writes numbers: whole units as a range, cents exactly', function () {
    expect(amountSearchOf('3,170', 'en')).to.deep.equal({ fromCents: 317_000, toCents: 317_099 });
    expect(amountSearchOf('3170', 'en')).to.deep.equal({ fromCents: 317_000, toCents: 317_099 });
    expect(amountSearchOf('$3,170.50', 'en')).to.deep.equal({ fromCents: 317_050, toCents: 317_050 });
    expect(amountSearchOf('24,700', 'en')).to.deep.equal({ fromCents: 2_470_000, toCents: 2_470_099 });
    expect(amountSearchOf('3.170', 'de')).to.deep.equal({ fromCents: 317_000, toCents: 317_099 });
    expect(amountSearchOf('24.700,5 €', 'de')).to.deep.equal({ fromCents: 2_470_050, toCents: 2_470_050 });
    expect(amountSearchOf('1 234,56 EUR', 'de')).to.deep.equal({ fromCents: 123_456, toCents: 123_456 });
    expect(amountSearchOf('12.5', 'en')).to.deep.equal({ fromCents: 1_250, toCents: 1_250 });
    // French groups with a space (the narrow no-break one Intl writes, or a plain one) and a decimal comma.
    expect(amountSearchOf('3\u202f170', 'fr')).to.deep.equal({ fromCents: 317_000, toCents: 317_099 });
    expect(amountSearchOf('3 170,50 €', 'fr')).to.deep.equal({ fromCents: 317_050, toCents: 317_050 });
    expect(amountSearchOf('24700,5', 'fr')).to.deep.equal({ fromCents: 2_470_050, toCents: 2_470_050 });
  });

  it('reads no amount in text, in a number written the other language’s way, or in an id-sized number', function () {
    for (const [q, locale] of [
      ['INV-0001', 'en'],
      ['3.170,00', 'en'],
      ['3,170.00', 'de'],
      ['3.170,00', 'fr'],
      ['3,170.00', 'fr'],
      ['3,17,0', 'en'],
      ['', 'en'],
      ['1.2.3', 'de'],
      ['99999999999999', 'en'],
    ] as const) {
      expect(amountSearchOf(q, locale), `${q} (${locale})`).to.equal(null);
    }
  });

  describe('beside the reference CRM', function () {
    let h: PortalHarness;
    before(async function () {
      this.timeout(120_000);
      h = await startPortalHarness();
    });
    after(async function () {
      await h?.close();
    });

    it('finds invoices and quotations by their total, over HTTP in the reader’s language too', async function () {
      const northwind = await demoNorthwind(h.crm.db);
      const adapter = createReferenceCrmAdapter(h.crm.db);
      await expectListsFoundByAmount(adapter, String(northwind.workspace_id), String(northwind.id), 'quotation');
      const [invoice] = (await adapter.invoices!.list(String(northwind.workspace_id), String(northwind.id), {}, { limit: 1 })).items;
      const maria = await signedInDemoClient(h, 'maria@northwind.test');
      const units = Math.floor(invoice!.totalCents / 100);
      const english = new Intl.NumberFormat('en-US').format(units);
      const german = new Intl.NumberFormat('de-DE').format(units);
      const found = await maria.get('/portal/demo/invoices').query({ q: english }).expect(200);
      expect(found.text).to.include(invoice!.number);
      const gefunden = await maria.get('/portal/demo/invoices').set('Accept-Language', 'de').query({ q: german }).expect(200);
      expect(gefunden.text).to.include(invoice!.number);
    });
  });
});
