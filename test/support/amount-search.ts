// What every host's lists do with a search read as an amount (InvoiceListFilter.amount,
// OfferListFilter.amount): a row whose total is within the range is found though its number and
// title do not hold the search's text; a range its total is outside finds nothing. The search's
// text here matches no number or title, so only the amount can find the row.
import { expect } from 'chai';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import type { OfferKind } from '../../src/features/offers/port.ts';

const NO_TEXT = '~no such text~';

export async function expectListsFoundByAmount(
  adapter: HostAdapter,
  workspaceId: string,
  clientId: string,
  offerKind: OfferKind,
): Promise<void> {
  const page = { limit: 50 };
  const invoices = (await adapter.invoices!.list(workspaceId, clientId, {}, page)).items;
  const offers = (await adapter.offers!.list(workspaceId, clientId, offerKind, {}, page)).items;
  expect(invoices.length, 'the client has invoices').to.be.greaterThan(0);
  expect(offers.length, `the client has ${offerKind}s`).to.be.greaterThan(0);
  for (const [list, rows] of [
    [
      (amount: { fromCents: number; toCents: number }) => adapter.invoices!.list(workspaceId, clientId, { search: NO_TEXT, amount }, page),
      invoices,
    ],
    [
      (amount: { fromCents: number; toCents: number }) =>
        adapter.offers!.list(workspaceId, clientId, offerKind, { search: NO_TEXT, amount }, page),
      offers,
    ],
  ] as const) {
    const row = rows[0]!;
    const whole = Math.floor(row.totalCents / 100) * 100;
    const found = (await list({ fromCents: whole, toCents: whole + 99 })).items.map((item) => item.id);
    expect(found, `${row.number} by its whole amount`).to.include(row.id);
    const exact = (await list({ fromCents: row.totalCents, toCents: row.totalCents })).items.map((item) => item.id);
    expect(exact, `${row.number} by its exact amount`).to.include(row.id);
    const outside = rows.every((other) => other.totalCents !== row.totalCents + 1) ? row.totalCents + 1 : row.totalCents - 1;
    expect((await list({ fromCents: outside, toCents: outside })).items.map((item) => item.id)).not.to.include(row.id);
  }
  // Without an amount the same text finds nothing.
  expect((await adapter.invoices!.list(workspaceId, clientId, { search: NO_TEXT }, page)).items).to.deep.equal([]);
}
