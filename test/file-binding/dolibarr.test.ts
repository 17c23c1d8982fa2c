// Dolibarr's proposals and invoices from bindings/dolibarr-commercial.yaml against the hand-written
// binding (plugins/dolibarr) on the same rows of Dolibarr's real schema: every client's lists and
// every record read through the file equal what the hand binding reads, field by field, for the
// fields a file maps (the hand binding adds the letterhead, bank details, payment terms and payment
// methods' names, which a file does not express yet).
import { expect } from 'chai';
import path from 'node:path';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { createFileBinding } from '../../plugins/file-binding/adapter.ts';
import { readBindingFile } from '../../plugins/file-binding/load.ts';
import type { HostAdapter, InvoiceDetail, OfferDetail } from '../../src/core/ports/host.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';

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
] as const;

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
    file = (await createFileBinding(host.db, readBindingFile(FILE), { name: 'file:dolibarr-commercial.yaml' })).adapter;
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
    let compared = 0;
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
        expect(await read(file), summary.number).to.deep.equal(await read(hand));
        compared += 1;
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
        expect(await read(file), summary.number).to.deep.equal(await read(hand));
        compared += 1;
      }
    }
    expect(compared, 'records compared').to.be.greaterThan(5);
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
