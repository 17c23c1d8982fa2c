// Covers which of Dolibarr's rows the binding treats as the portal's, on the real schema with the
// seed's mix of rows: customers and prospects are clients, suppliers and closed third parties are
// not; disabled contacts and contacts without an email are not contacts; staff are the entity's
// and the superadmin (entity 0), admins by llx_user.admin; a task is seen by every contact who
// sees its project, whoever is assigned to it (each told whether it is theirs), never from a draft
// project; shared files are those with a share hash on the company or its records
// past draft; money comes in the entity's MAIN_MONNAIE; credit notes used on an invoice settle it;
// an invoice without VAT says why where Setup > Company says the company is not subject to VAT.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { expectListsFoundByAmount } from '../support/amount-search.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();

describe("dolibarr binding: which rows are the portal's", function () {
  let host: DolibarrHost;
  let adapter: HostAdapter;
  const ws = '1';

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    adapter = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, dataRoot: host.dataRoot });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("names the workspace after the entity's company and answers only for the configured entity", async function () {
    expect(await adapter.workspaces.findBySlug(host.seed.workspaceSlug)).to.deep.equal({
      id: ws,
      slug: host.seed.workspaceSlug,
      name: 'Atelier Lumière',
      logoUrl: null,
      brandColor: null,
    });
    expect(await adapter.workspaces.findById('2')).to.equal(null);
    expect(() => createDolibarrAdapter(host.db, { workspaceSlug: 'Not A Slug' })).to.throw(/workspaceSlug/);
  });

  it('takes customers and prospects in activity as clients, and their enabled contacts with an email', async function () {
    const { companies, contacts } = host.seed;
    const clients = (await adapter.clients.list(ws)).map((client) => Number(client.id)).sort();
    expect(clients).to.deep.equal([companies.bakery, companies.garage, companies.prospect].sort());
    const bakery = (await adapter.contacts.list(ws, { clientId: String(companies.bakery) })).map((contact) => Number(contact.id)).sort();
    expect(bakery).to.deep.equal([contacts.claire, contacts.sophie].sort());
    expect(await adapter.contacts.findById(ws, String(contacts.disabled))).to.equal(null);
    expect(await adapter.contacts.findById(ws, String(contacts.noEmail))).to.equal(null);
    expect(await adapter.contacts.findByEmail(ws, 'jean@ancien.example')).to.deep.equal([]);
  });

  it("lists the entity's staff and the superadmin, admins apart", async function () {
    const { admin, staff } = host.seed.users;
    expect((await adapter.staff.list!(ws)).map((member) => [Number(member.id), member.role])).to.deep.equal([
      [admin, 'admin'],
      [staff, 'member'],
    ]);
    expect((await adapter.staff.listAdmins!(ws)).map((member) => Number(member.id))).to.deep.equal([admin]);
  });

  it("shows each contact of the project all its tasks, saying which are theirs, never a draft project's", async function () {
    const { companies, contacts, tasks } = host.seed;
    const seen = async (contact: number, status: 'open' | 'done') =>
      (await adapter.tasks!.list(ws, String(companies.bakery), String(contact), { status }, { limit: 50 })).items.map((task) => [
        Number(task.id),
        task.assignedToContact,
      ]);
    // Both are linked to the refit: Dolibarr's project Tasks tab lists every task of it to each.
    expect(await seen(contacts.claire, 'open')).to.deep.equal([
      [tasks.companyWide, false],
      [tasks.sophies, false],
      [tasks.claireDue, true],
      [tasks.claireUndated, true],
    ]);
    expect(await seen(contacts.claire, 'done')).to.deep.equal([[tasks.claireDone, true]]);
    expect(await seen(contacts.sophie, 'open')).to.deep.equal([
      [tasks.companyWide, false],
      [tasks.sophies, true],
      [tasks.claireDue, false],
      [tasks.claireUndated, false],
    ]);
    expect(await adapter.tasks!.find(ws, String(companies.bakery), String(contacts.claire), String(tasks.draftProject))).to.equal(null);
    const summary = await adapter.summaries.forClient(ws, String(companies.bakery), String(contacts.claire));
    expect(summary.tasks.open).to.equal(4);
  });

  it('shares the files with a share hash on the company or its records past draft, and counts money in MAIN_MONNAIE', async function () {
    const { companies, contacts } = host.seed;
    const names = (await adapter.documents!.list(ws, String(companies.bakery), {}, { limit: 50 })).items.map((doc) => doc.name);
    expect(names).to.deep.equal(['FA2601-0001.pdf', 'PR2601-0001.pdf', 'opening-hours.txt']);
    const summary = await adapter.summaries.forClient(ws, String(companies.bakery), String(contacts.claire));
    // One on a proposal and one on an invoice: the dashboard leaves them out for a person who may not open those.
    expect(summary.documents).to.deep.equal({ shared: 3, attached: { proposal: 1, invoice: 1, project: 0 } });
    expect(summary.proposals).to.deep.equal({ open: 2, total: 3 });
    expect(summary.invoices.unpaid).to.equal(1);
    expect(summary.invoices.outstanding).to.deep.equal([{ currency: 'EUR', cents: 150_000 }]);
    const invoices = (await adapter.invoices!.list(ws, String(companies.bakery), {}, { limit: 50 })).items.map((invoice) => [
      invoice.number,
      invoice.status,
    ]);
    expect(invoices).to.deep.equal([
      ['FA2601-0001', 'open'],
      ['FA2601-0002', 'paid'],
      ['FA2601-0004', 'void'],
    ]);
  });

  it('finds invoices and proposals by their total when the search is an amount', async function () {
    await expectListsFoundByAmount(adapter, ws, String(host.seed.companies.bakery), 'proposal');
  });

  it('counts on the dashboard only the shared files the list shows: one missing on disk is left out of both', async function () {
    const { companies, contacts, invoices, users } = host.seed;
    const bakery = String(companies.bakery);
    // Shared rows whose files were moved or deleted on the Dolibarr server: one on the company, one on an invoice.
    const missing = await host
      .db('llx_ecm_files')
      .insert(
        [
          ['societe', companies.bakery, `societe/${companies.bakery}`, 'price-list-2025.pdf'],
          ['facture', invoices.unpaid, 'facture/FA2601-0001', 'FA2601-0001-old.pdf'],
        ].map(([type, id, filepath, filename]) => ({
          ref: `missing-${filename}`,
          label: 'd41d8cd98f00b204e9800998ecf8427e',
          share: `share-${filename}`,
          entity: host.seed.entity,
          filepath,
          filename,
          src_object_type: type,
          src_object_id: id,
          fullpath_orig: filename,
          gen_or_uploaded: 'uploaded',
          date_c: '2026-03-01 08:00:00',
          fk_user_c: users.admin,
          position: 2,
        })),
      )
      .returning('rowid');
    try {
      const listed = (await adapter.documents!.list(ws, bakery, {}, { limit: 50 })).items.map((doc) => doc.name);
      expect(listed).to.deep.equal(['FA2601-0001.pdf', 'PR2601-0001.pdf', 'opening-hours.txt']);
      const summary = await adapter.summaries.forClient(ws, bakery, String(contacts.claire));
      expect(summary.documents).to.deep.equal({ shared: listed.length, attached: { proposal: 1, invoice: 1, project: 0 } });
    } finally {
      await host
        .db('llx_ecm_files')
        .whereIn(
          'rowid',
          missing.map((row: { rowid: number }) => row.rowid),
        )
        .delete();
    }
  });

  it("counts a credit note used on an invoice as settled, as Dolibarr's invoice card does, and never lists the credit note itself", async function () {
    const { companies, invoices } = host.seed;
    const garage = String(companies.garage);
    const listed = (await adapter.invoices!.list(ws, garage, {}, { limit: 50 })).items.map((invoice) => invoice.number);
    expect(listed).to.deep.equal(['FA2602-0003']);
    expect(await adapter.invoices!.find(ws, garage, String(invoices.creditNote))).to.equal(null);
    const detail = (await adapter.invoices!.find(ws, garage, String(invoices.partlyPaid)))!;
    expect(detail).to.include({ status: 'open', totalCents: 60_000, paidCents: 32_000, balanceCents: 28_000 });
    // A payment is numbered by its own ref (what a client can quote); a credit note used by the note's ref.
    expect(detail.payments.map((payment) => [payment.method, payment.amountCents, payment.reference, payment.number])).to.deep.equal([
      ['credit_note', 12_000, 'AV2602-0001', null],
      ['card', 20_000, null, 'PAY2602-0002'],
    ]);
    // What remains is all a payment may cover.
    const paidAt = new Date('2026-03-01T10:00:00Z');
    expect(
      await adapter.invoices!.recordPayment!(ws, garage, String(invoices.partlyPaid), {
        amountCents: 28_001,
        method: 'card',
        reference: null,
        paidAt,
      }),
    ).to.equal(null);
  });

  it("says why an invoice charges no VAT where Setup > Company says the company is not subject to VAT: Dolibarr's French mention, the reason elsewhere", async function () {
    const { companies, invoices } = host.seed;
    const db = host.db;
    const bakery = String(companies.bakery);
    const totals = ['total_tva', 'total_ttc', 'multicurrency_total_tva', 'multicurrency_total_ttc'];
    const saved = await db('llx_facture')
      .where({ rowid: invoices.unpaid })
      .first([...totals, 'total_ht']);
    const setConst = async (name: string, value: string | null) => {
      await db('llx_const').where({ name, entity: host.seed.entity }).delete();
      if (value !== null) await db('llx_const').insert({ name, entity: host.seed.entity, value, type: 'chaine', visible: 0 });
    };
    const exemption = async () => (await adapter.invoices!.find(ws, bakery, String(invoices.unpaid)))!.vatExemption;
    // The invoice as a company without VAT issues it: no tax on it.
    await db('llx_facture').where({ rowid: invoices.unpaid }).update({
      total_tva: 0,
      total_ttc: saved.total_ht,
      multicurrency_total_tva: 0,
      multicurrency_total_ttc: saved.total_ht,
    });
    try {
      expect(await exemption(), 'nothing set up').to.equal(null);
      await setConst('FACTURE_TVAOPTION', '0');
      await setConst('MAIN_INFO_SOCIETE_COUNTRY', '1:FR:France');
      expect(await exemption()).to.deep.equal({ reason: 'small_business', note: 'TVA non applicable, art. 293 B du CGI' });
      await setConst('MAIN_INFO_SOCIETE_COUNTRY', '5:DE:Germany');
      expect(await exemption()).to.deep.equal({ reason: 'small_business', note: null });
      await setConst('FACTURE_TVAOPTION', '1');
      expect(await exemption(), 'subject to VAT').to.equal(null);
    } finally {
      await setConst('FACTURE_TVAOPTION', null);
      await setConst('MAIN_INFO_SOCIETE_COUNTRY', null);
      await db('llx_facture')
        .where({ rowid: invoices.unpaid })
        .update(Object.fromEntries(totals.map((column) => [column, saved[column]])));
    }
  });
});
