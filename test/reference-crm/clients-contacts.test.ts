// Covers the staff pages for clients and contacts: list, detail, create (with zod validation and
// 400 messages), CSRF on create (403), and 404 for a record of another workspace.
import { expect } from 'chai';
import { ACME_ADMIN, DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM clients and contacts', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;

  before(async function () {
    crm = await startCrm();
    demo = await signIn(crm.app, DEMO_ADMIN);
  });

  after(async function () {
    await crm?.close();
  });

  describe('clients', function () {
    it("lists only the workspace's clients", async function () {
      const res = await demo.agent.get('/clients').expect(200);
      expect(res.text).to.include('Bluebell Bakery');
      expect(res.text).to.include('Harbor Dental Group');
      expect(res.text).to.not.include('Lumen Coffee Roasters');
    });

    it('shows a client with its contacts, offers, invoices, tasks and documents', async function () {
      const id = await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo');
      const text = textOf((await demo.agent.get(`/clients/${id}`).expect(200)).text);
      expect(text).to.include('Maria García');
      expect(text).to.include('Website redesign');
      expect(text).to.include('Product photography (40 products)');
      expect(text).to.include('INV-0001');
      expect(text).to.include('Send brand assets (logo files and fonts)');
      expect(text).to.include('website-redesign-proposal.pdf');
      expect(text).to.not.include('Ken Adams');
    });

    it('creates a client', async function () {
      const res = await demo.agent
        .post('/clients')
        .type('form')
        .send({ _csrf: demo.csrf, name: 'Orchard & Vine', website: 'https://orchardvine.test', address: '1 Main St' })
        .expect(303);
      expect(res.headers.location).to.match(/^\/clients\/\d+$/);
      const page = await demo.agent.get(res.headers.location!).expect(200);
      expect(page.text).to.include('Orchard &amp; Vine');
      expect(page.text).to.include('href="https://orchardvine.test"');
    });

    it('explains what is wrong with an invalid client (400)', async function () {
      const res = await demo.agent
        .post('/clients')
        .type('form')
        .send({ _csrf: demo.csrf, name: '  ', website: 'javascript:alert(1)' })
        .expect(400);
      const text = textOf(res.text);
      expect(text).to.include("Enter the client's name.");
      expect(text).to.include('Enter website starting with https:// or http://.');
      expect(res.text).to.include('href="#name"');
      expect(res.text).to.not.include('href="javascript:');
    });

    it('refuses to create without the CSRF token (403)', async function () {
      const before = await crm.db('clients').count<{ c: number }[]>({ c: '*' });
      await demo.agent.post('/clients').type('form').send({ name: 'No Token Ltd' }).expect(403);
      await demo.agent.post('/clients').set('X-CSRF-Token', 'forged').type('form').send({ name: 'No Token Ltd' }).expect(403);
      const after = await crm.db('clients').count<{ c: number }[]>({ c: '*' });
      expect(after).to.deep.equal(before);
    });

    it('accepts the CSRF token as a header', async function () {
      await demo.agent.post('/clients').set('X-CSRF-Token', demo.csrf).type('form').send({ name: 'Header Token GmbH' }).expect(303);
    });

    it("answers 404 for another workspace's client, and for ids that cannot exist", async function () {
      const acmeClient = await idOf(crm.db, 'clients', { name: 'Lumen Coffee Roasters' }, 'acme');
      await demo.agent.get(`/clients/${acmeClient}`).expect(404);
      await demo.agent.get('/clients/0').expect(404);
      await demo.agent.get('/clients/abc').expect(404);
      const huge = await demo.agent.get('/clients/99999999999').expect(404);
      expect(textOf(huge.text)).to.include('Page not found');
    });
  });

  describe('contacts', function () {
    it("lists the workspace's contacts", async function () {
      const res = await demo.agent.get('/contacts').expect(200);
      expect(res.text).to.include('priya@bluebell.test');
      expect(res.text).to.not.include('hana@lumencoffee.test');
    });

    it('shows a contact with the tasks assigned to them', async function () {
      const id = await idOf(crm.db, 'contacts', { email: 'maria@northwind.test' }, 'demo');
      const text = textOf((await demo.agent.get(`/contacts/${id}`).expect(200)).text);
      expect(text).to.include('Northwind Traders');
      expect(text).to.include('Send brand assets (logo files and fonts)');
      expect(text).to.not.include('Send booth dimensions and floor plan');
    });

    it('creates a contact for a client of the workspace', async function () {
      const clientId = await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo');
      const form = await demo.agent.get(`/contacts/new?client=${clientId}`).expect(200);
      expect(form.text).to.include(`<option value="${clientId}" selected>`);
      const res = await demo.agent
        .post('/contacts')
        .type('form')
        .send({ _csrf: demo.csrf, clientId: String(clientId), name: 'Niamh Byrne', email: 'Niamh@Bluebell.test', phone: '' })
        .expect(303);
      const page = await demo.agent.get(res.headers.location!).expect(200);
      expect(page.text).to.include('niamh@bluebell.test');
    });

    it("rejects a contact for another workspace's client, and bad emails (400)", async function () {
      const acmeClient = await idOf(crm.db, 'clients', { name: 'Kestrel Logistics' }, 'acme');
      const cross = await demo.agent
        .post('/contacts')
        .type('form')
        .send({ _csrf: demo.csrf, clientId: String(acmeClient), name: 'Sneaky', email: 'sneaky@kestrel.test' })
        .expect(400);
      expect(textOf(cross.text)).to.include('Choose the client this contact works for.');
      expect(await crm.db('contacts').where({ email: 'sneaky@kestrel.test' }).first()).to.equal(undefined);

      const bad = await demo.agent
        .post('/contacts')
        .type('form')
        .send({ _csrf: demo.csrf, clientId: '', name: 'X', email: 'nope' })
        .expect(400);
      const text = textOf(bad.text);
      expect(text).to.include('Choose the client this contact works for.');
      expect(text).to.include('Enter an email address like name@example.com.');
    });

    it('refuses a contact or client name with a direction override or a zero-width space (400), as the portal does', async function () {
      const clientId = await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo');
      for (const name of ['Niamh \u202Eenryb', 'Ni\u200Bamh Byrne']) {
        const contact = await demo.agent
          .post('/contacts')
          .type('form')
          .send({ _csrf: demo.csrf, clientId: String(clientId), name, email: 'hidden@bluebell.test' })
          .expect(400);
        expect(textOf(contact.text), JSON.stringify(name)).to.include('Name cannot hold invisible characters');
        const client = await demo.agent.post('/clients').type('form').send({ _csrf: demo.csrf, name }).expect(400);
        expect(textOf(client.text), JSON.stringify(name)).to.include('Name cannot hold invisible characters');
      }
      expect(await crm.db('contacts').where({ email: 'hidden@bluebell.test' }).first()).to.equal(undefined);
    });

    it('refuses to create without the CSRF token (403)', async function () {
      await demo.agent.post('/contacts').type('form').send({ clientId: '1', name: 'A', email: 'a@b.test' }).expect(403);
    });

    it("answers 404 for another workspace's contact, even with the same email", async function () {
      const acmeMaria = await idOf(crm.db, 'contacts', { email: 'maria@northwind.test' }, 'acme');
      await demo.agent.get(`/contacts/${acmeMaria}`).expect(404);
      const acme = await signIn(crm.app, ACME_ADMIN);
      await acme.agent.get(`/contacts/${acmeMaria}`).expect(200);
    });
  });
});
