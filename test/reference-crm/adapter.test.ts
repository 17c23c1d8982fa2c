// Covers createReferenceCrmAdapter against the host ports: string ids everywhere, case-insensitive
// email look-ups, no answer ever crossing workspaces, malformed ids treated as "not found", profile
// updates scoped to the workspace, and staff.current reading (only) the CRM's own session.
import { expect } from 'chai';
import type { Request } from 'express';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { idOf, startCrm, type CrmTestContext } from './support.ts';

function expectStringIds(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) expectStringIds(item);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'id' || key.endsWith('Id')) expect(inner, key).to.be.a('string').and.match(/^\d+$/);
    }
  }
}

const fakeRequest = (session: unknown) => ({ session }) as unknown as Request;

describe('reference CRM adapter', function () {
  let crm: CrmTestContext;
  let adapter: HostAdapter;
  let demoId: string;
  let acmeId: string;

  before(async function () {
    crm = await startCrm();
    adapter = createReferenceCrmAdapter(crm.db);
    demoId = (await adapter.workspaces.findBySlug('demo'))!.id;
    acmeId = (await adapter.workspaces.findBySlug('acme'))!.id;
  });

  after(async function () {
    await crm?.close();
  });

  it('has a name', function () {
    expect(adapter.name).to.equal('reference-crm');
  });

  describe('workspaces', function () {
    it('finds a workspace by slug and by id, with string ids and branding', async function () {
      const demo = await adapter.workspaces.findBySlug('demo');
      expect(demo).to.deep.equal({ id: demoId, slug: 'demo', name: 'Demo Agency', logoUrl: null, brandColor: '#2f5bd3' });
      expect(await adapter.workspaces.findById(demoId)).to.deep.equal(demo);
      expect((await adapter.workspaces.findById(acmeId))?.name).to.equal('Acme Studio');
    });

    it('returns null for unknown or malformed keys', async function () {
      expect(await adapter.workspaces.findBySlug('nope')).to.equal(null);
      expect(await adapter.workspaces.findBySlug('')).to.equal(null);
      for (const id of ['999999', 'abc', '-1', '1.5', '99999999999', '']) {
        expect(await adapter.workspaces.findById(id), id).to.equal(null);
      }
    });
  });

  describe('clients', function () {
    it("lists only the workspace's clients, with string ids", async function () {
      const clients = await adapter.clients.list(demoId);
      expectStringIds(clients);
      expect(clients.every((c) => c.workspaceId === demoId)).to.equal(true);
      expect(clients.map((c) => c.name))
        .to.include('Bluebell Bakery')
        .and.not.include('Lumen Coffee Roasters');
      expect(await adapter.clients.list('nonsense')).to.deep.equal([]);
    });

    it('finds a client only in its own workspace', async function () {
      const lumen = String(await idOf(crm.db, 'clients', { name: 'Lumen Coffee Roasters' }, 'acme'));
      expect(await adapter.clients.findById(acmeId, lumen)).to.deep.equal({
        id: lumen,
        workspaceId: acmeId,
        name: 'Lumen Coffee Roasters',
      });
      expect(await adapter.clients.findById(demoId, lumen)).to.equal(null);
      expect(await adapter.clients.findById(demoId, 'x')).to.equal(null);
    });
  });

  describe('contacts', function () {
    it('finds contacts by email, ignoring case, within one workspace', async function () {
      const inDemo = await adapter.contacts.findByEmail(demoId, '  MARIA@Northwind.Test ');
      const inAcme = await adapter.contacts.findByEmail(acmeId, 'maria@northwind.test');
      expect(inDemo).to.have.length(1);
      expect(inAcme).to.have.length(1);
      expectStringIds([...inDemo, ...inAcme]);
      expect(inDemo[0]).to.include({
        workspaceId: demoId,
        clientName: 'Northwind Traders',
        name: 'Maria García',
        email: 'maria@northwind.test',
      });
      expect(inAcme[0]!.workspaceId).to.equal(acmeId);
      expect(inAcme[0]!.id).to.not.equal(inDemo[0]!.id);
      expect(await adapter.contacts.findByEmail(demoId, 'hana@lumencoffee.test')).to.deep.equal([]);
      expect(await adapter.contacts.findByEmail(demoId, '')).to.deep.equal([]);
    });

    it('finds a contact by id only in its own workspace', async function () {
      const hana = String(await idOf(crm.db, 'contacts', { email: 'hana@lumencoffee.test' }, 'acme'));
      const found = await adapter.contacts.findById(acmeId, hana);
      expect(found).to.include({ id: hana, workspaceId: acmeId, name: 'Hana Sato', phone: '+31 20 555 0101' });
      expectStringIds(found);
      expect(await adapter.contacts.findById(demoId, hana)).to.equal(null);
    });

    it('lists contacts, optionally for one client, never across workspaces', async function () {
      const all = await adapter.contacts.list(demoId);
      expect(all.every((c) => c.workspaceId === demoId)).to.equal(true);
      expectStringIds(all);
      const bluebell = String(await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo'));
      const some = await adapter.contacts.list(demoId, { clientId: bluebell });
      expect(some.map((c) => c.email).sort()).to.deep.equal(['owen@bluebell.test', 'priya@bluebell.test']);
      expect(await adapter.contacts.list(acmeId, { clientId: bluebell })).to.deep.equal([]);
      expect(await adapter.contacts.list(demoId, { clientId: 'abc' })).to.deep.equal([]);
    });

    it("updates a contact's name and phone within the workspace only", async function () {
      const owen = String(await idOf(crm.db, 'contacts', { email: 'owen@bluebell.test' }, 'demo'));
      const updated = await adapter.contacts.updateProfile!(demoId, owen, { name: 'Owen P. Hughes', phone: '+353 1 555 0199' });
      expect(updated).to.include({ id: owen, name: 'Owen P. Hughes', phone: '+353 1 555 0199', email: 'owen@bluebell.test' });
      const cleared = await adapter.contacts.updateProfile!(demoId, owen, { name: 'Owen Hughes', phone: null });
      expect(cleared?.phone).to.equal(null);

      expect(await adapter.contacts.updateProfile!(acmeId, owen, { name: 'Hijacked', phone: null })).to.equal(null);
      expect((await adapter.contacts.findById(demoId, owen))?.name).to.equal('Owen Hughes');
    });
  });

  describe('staff', function () {
    it('returns the staff user of the CRM session, with string ids', async function () {
      const staffUserId = await idOf(crm.db, 'staff_users', { email: 'member@acme.test' }, 'acme');
      const staff = await adapter.staff.current(fakeRequest({ staffUserId, staffWorkspaceId: Number(acmeId) }));
      expect(staff).to.deep.equal({
        id: String(staffUserId),
        workspaceId: acmeId,
        name: 'Jordan Lee',
        email: 'member@acme.test',
        role: 'member',
      });
    });

    it('returns null without a session, without a staff user in it, or for a removed user', async function () {
      expect(await adapter.staff.current({} as Request)).to.equal(null);
      expect(await adapter.staff.current(fakeRequest(undefined))).to.equal(null);
      expect(await adapter.staff.current(fakeRequest({}))).to.equal(null);
      expect(await adapter.staff.current(fakeRequest({ staffUserId: 'drop table' }))).to.equal(null);
      expect(await adapter.staff.current(fakeRequest({ staffUserId: 987654, staffWorkspaceId: Number(acmeId) }))).to.equal(null);
      // A session that names the staff user but not their workspace (kept before it named both).
      const staffUserId = await idOf(crm.db, 'staff_users', { email: 'member@acme.test' }, 'acme');
      expect(await adapter.staff.current(fakeRequest({ staffUserId }))).to.equal(null);
      // A staff user named in another workspace than their own.
      expect(await adapter.staff.current(fakeRequest({ staffUserId, staffWorkspaceId: Number(demoId) }))).to.equal(null);
    });
  });

  describe('invoice legal details', function () {
    it("answers the agency's legal name, address, VAT id, registration, bank and terms, the client's address and tax id, and the supply period", async function () {
      const clientId = String(await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo'));
      const invoiceId = String(await idOf(crm.db, 'invoices', { number: 'INV-0002' }, 'demo'));
      const invoice = await adapter.invoices!.find(demoId, clientId, invoiceId);
      expect(invoice?.seller).to.deep.equal({
        legalName: 'Demo Agency GmbH',
        addressLines: ['Rosenthaler Straße 40', '10178 Berlin', 'Germany'],
        vatId: 'DE298765432',
        registrationNumber: 'HRB 187654 B, Amtsgericht Charlottenburg',
      });
      expect(invoice?.buyer).to.deep.equal({
        addressLines: ['410 Harbor Street', 'Seattle, WA 98101', 'United States'],
        taxId: '91-1144442',
      });
      expect(invoice?.bank).to.deep.equal({ iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX', bankName: 'Commerzbank Berlin' });
      expect(invoice?.paymentTerms).to.equal('Payable within 30 days of the invoice date without deduction.');
      expect(invoice?.supplyDate).to.equal('2026-10-07');
      expect(invoice?.supplyEndDate).to.equal('2026-11-05');
    });

    it('leaves out what the CRM has no value for', async function () {
      const clientId = String(await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'acme'));
      const invoiceId = String(await idOf(crm.db, 'invoices', { number: 'INV-0001' }, 'acme'));
      await crm.db('clients').where({ id: clientId }).update({ tax_id: null });
      await crm.db('workspaces').where({ id: acmeId }).update({ iban: null });
      try {
        const invoice = await adapter.invoices!.find(acmeId, clientId, invoiceId);
        expect(invoice?.buyer?.taxId).to.equal(null);
        expect(invoice?.bank).to.equal(null);
        expect(invoice?.supplyEndDate).to.equal(null);
      } finally {
        await crm.db('workspaces').where({ id: acmeId }).update({ iban: 'FR76 3000 6000 0112 3456 7890 189' });
      }
    });
  });
});
