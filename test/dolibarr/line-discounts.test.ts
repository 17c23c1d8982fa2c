// Covers a line's discount on Dolibarr's proposals and invoices (orders: orders.test.ts): the
// remise_percent Propal::addline and Facture::addline keep, which the cards show in their "Disc."
// column and which the line's total_ht is already net of, read as the line's discountPercent;
// a line without one reads none, so the portal shows no Discount column for it.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();

describe('dolibarr binding: line discounts on proposals and invoices', function () {
  let host: DolibarrHost;
  let adapter: HostAdapter;
  const ws = '1';

  before(async function () {
    // Skipped, saying why, where Dolibarr's real schema cannot be loaded: no PostgreSQL server
    // (the embedded pass) or no schema file (dolibarr-host.ts says which).
    if (reason) this.skip();
    host = await startDolibarrHost();
    adapter = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  for (const [kind, table, parent] of [
    ['proposal', 'llx_propaldet', 'fk_propal'],
    ['invoice', 'llx_facturedet', 'fk_facture'],
  ] as const) {
    it(`reads the remise_percent of the ${kind}'s line as its discount`, async function () {
      const { db, seed } = host;
      const id = kind === 'proposal' ? seed.proposals.accept : seed.invoices.unpaid;
      const [first] = await db(table).where(parent, id).orderBy('rang').orderBy('rowid').limit(1).select('rowid');
      await db(table).where({ rowid: first.rowid }).update({ remise_percent: 15 });
      const bakery = String(seed.companies.bakery);
      const record =
        kind === 'proposal'
          ? await adapter.offers!.find(ws, bakery, 'proposal', String(id))
          : await adapter.invoices!.find(ws, bakery, String(id));
      const discounts = record!.lines.map((line) => line.discountPercent);
      expect(discounts[0]).to.equal(15);
      expect(discounts.slice(1).every((d) => d === null)).to.equal(true);
    });
  }
});
