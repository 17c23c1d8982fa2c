// Tryton served from bindings/tryton.yaml alone, on Tryton 6.6's real schema
// (test/fixtures/real-schemas/tryton.sql) seeded as Tryton stores its rows: a company, two client
// parties each with a web user and a named email contact mechanism, customer invoices posted, paid
// and draft with the account moves post() makes, a supplier invoice, and sales in draft, quotation
// and confirmed. What is Tryton's own: an invoice's total read from its move's receivable line,
// drafts and supplier invoices never shown, only active web users signing in, and a contact invited
// through the portal reading their invoices and quotations with no host table's shape changed.
import { expect } from 'chai';
import type { Knex } from 'knex';
import path from 'node:path';
import type { FileBinding } from '../../plugins/file-binding/adapter.ts';
import { fileStandaloneBinding } from '../../plugins/file-binding/standalone.ts';
import { realSchemaUnavailable } from './real-schema.ts';
import { TRYTON } from './seeded-tryton.ts';
import { bindingFromFile, invitationTo, portalEnv, type SeededCrm, seededCrm } from './serve-binding-file.ts';
import { publicTables, schemaSnapshot } from '../support/schema-snapshot.ts';
import { acceptInvitation } from '../support/test-host.ts';
import { runPortal, serveOnAFreePort, stopPortal, type ServingPortal } from '../standalone/portal-process.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FILE = path.join(ROOT, 'bindings/tryton.yaml');
const SLUG = 'atelier-nord';
const WORKSPACE = '1';

// The shared host adapter contract is not run on this file: it needs a profile write and a
// quotation decision, which this file does not declare (Tryton writes a contact mechanism's name,
// and confirms a sale, through its models: see bindings/tryton.yaml), and a quotation's total equal
// to its lines', which Tryton does not store before the sale is confirmed.
const reason = realSchemaUnavailable();

describe('bindings/tryton.yaml on Tryton', function () {
  this.timeout(120_000);
  let crm: SeededCrm;
  let db: Knex;
  let binding: FileBinding;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) here: Tryton's schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(TRYTON);
    db = crm.db;
    binding = await bindingFromFile(db, FILE);
  });
  after(async function () {
    await crm?.close();
  });

  it("reads posted and paid customer invoices with the total their move put on the party's receivable", async function () {
    const invoices = binding.adapter.invoices!;
    const page = await invoices.list(WORKSPACE, '2', {}, { limit: 10 });
    expect(page.items.map((i) => [i.number, i.status, i.totalCents, i.balanceCents, i.currency])).to.deep.equal([
      ['INV-0001', 'open', 144000, 144000, 'EUR'],
      ['INV-0003', 'paid', 30000, 0, 'EUR'],
    ]);
    const posted = await invoices.find(WORKSPACE, '2', '1');
    expect(posted!.lines.map((l) => [l.description, l.quantity, l.unitPriceCents])).to.deep.equal([
      ['Website design', 1, 100000],
      ['Hosting, one year', 2, 10000],
    ]);
    // The draft, and the other party's posted invoice.
    expect(await invoices.find(WORKSPACE, '2', '2')).to.equal(null);
    expect(await invoices.find(WORKSPACE, '2', '3')).to.equal(null);
    // A supplier invoice (type in) of the same party is the agency's bill, not the client's.
    expect(await invoices.find(WORKSPACE, '2', '5')).to.equal(null);
    expect((await invoices.list(WORKSPACE, '3', {}, { limit: 10 })).items.map((i) => i.number)).to.deep.equal(['INV-0002']);
  });

  it('reads sales in quotation as open, confirmed ones as accepted, never drafts', async function () {
    const offers = binding.adapter.offers!;
    expect(offers.kinds).to.deep.equal(['quotation']);
    const page = await offers.list(WORKSPACE, '2', 'quotation', {}, { limit: 10 });
    expect(page.items.map((q) => [q.number, q.status])).to.deep.equal([
      ['SO-0003', 'accepted'],
      ['SO-0001', 'open'],
    ]);
    const quotation = await offers.find(WORKSPACE, '2', 'quotation', '1');
    // Only lines of type line: Tryton's comment rows carry no amount.
    expect(quotation!.lines.map((l) => [l.description, l.quantity, l.unitPriceCents])).to.deep.equal([['Website redesign', 3, 40000]]);
    expect(await offers.find(WORKSPACE, '2', 'quotation', '2')).to.equal(null);
    expect(await offers.find(WORKSPACE, '2', 'quotation', '3')).to.equal(null);
  });

  it('signs in active web users only, as the party each is linked to, and staff with their Tryton password', async function () {
    const contacts = await binding.adapter.contacts.list(WORKSPACE);
    expect(contacts.map((c) => [c.id, c.email, c.name, c.clientName])).to.deep.equal([
      ['1', 'claire@bars.test', 'Claire Baker', 'Bars Bakery'],
      ['2', 'oscar@other.test', 'Oscar Other', 'Other Works'],
    ]);
    // web_user's hashes are its web shops': the portal keeps its own.
    expect(binding.adapter.credentials).to.equal(undefined);

    // Staff sign in with the password trytond hashed for them.
    const host = await fileStandaloneBinding(FILE).open(db, {});
    expect(await host.signInStaff('admin@atelier.test', 'admin-pass')).to.deep.include({ id: '1', role: 'admin', name: 'Administrator' });
    expect(await host.signInStaff('sally@atelier.test', 'sally-sells')).to.deep.include({ id: '2', role: 'member' });
    expect(await host.signInStaff('sally@atelier.test', 'admin-pass')).to.equal(null);
  });
});

describe('npm run portal -- … --binding bindings/tryton.yaml on Tryton', function () {
  this.timeout(240_000);
  let crm: SeededCrm;
  let db: Knex;
  let serving: ServingPortal | undefined;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) here: Tryton's schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(TRYTON, { mail: true });
    db = crm.db;
  });
  after(async function () {
    await stopPortal(serving).catch(() => null);
    await crm?.close();
  });

  it("migrates, invites, serves: the web user sets the portal's own password and reads their invoices and quotations only", async function () {
    const env = portalEnv(crm, SLUG);
    const hostTables = await publicTables(db);
    const shapes = await schemaSnapshot(db, hostTables);
    const checked = await runPortal(['check', '--binding', FILE], env);
    expect(checked.code, checked.stdout + checked.stderr).to.equal(0);
    const migrated = await runPortal(['migrate', '--binding', FILE], env);
    expect(migrated.code, migrated.stderr).to.equal(0);
    const invited = await runPortal(['invite', '--binding', FILE, '--email', 'claire@bars.test'], {
      ...env,
      APP_URL: 'http://portal.example',
    });
    expect(invited.code, invited.stderr).to.equal(0);
    expect(invited.stdout).to.match(/Invited Claire Baker <claire@bars\.test> of Bars Bakery/);
    // A deactivated web user is no one who signs in.
    const gone = await runPortal(['invite', '--binding', FILE, '--email', 'gone@bars.test'], { ...env, APP_URL: 'http://portal.example' });
    expect(gone.code).to.not.equal(0);
    const invitation = await invitationTo(crm, 'claire@bars.test');

    serving = await serveOnAFreePort(['--binding', FILE], (port) => ({ ...env, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }));
    const agent = await acceptInvitation(serving.url, invitation, 'claire-bakes-bread');

    const invoices = await agent.get(`/portal/${SLUG}/invoices`).expect(200);
    expect(invoices.text).to.include('INV-0001').and.include('INV-0003').and.not.include('INV-0002').and.not.include('SUP-0001');
    expect((await agent.get(`/portal/${SLUG}/invoices/1`).expect(200)).text).to.include('Website design');
    // The draft and the other party's invoice.
    await agent.get(`/portal/${SLUG}/invoices/2`).expect(404);
    await agent.get(`/portal/${SLUG}/invoices/3`).expect(404);
    const quotations = await agent.get(`/portal/${SLUG}/quotations`).expect(200);
    expect(quotations.text).to.include('SO-0001').and.include('SO-0003').and.not.include('SO-0002');
    expect((await agent.get(`/portal/${SLUG}/quotations/1`).expect(200)).text).to.include('Website redesign');
    await agent.get(`/portal/${SLUG}/quotations/2`).expect(404);
    await agent.get(`/portal/${SLUG}/quotations/3`).expect(404);
    // No write is declared: no acceptance is offered.
    await agent.get(`/portal/${SLUG}/quotations/1/accept`).expect(404);
    await agent.get(`/portal/${SLUG}/proposals`).expect(404);

    expect(await stopPortal(serving, 20_000)).to.equal(0);
    serving = undefined;
    // Every Tryton table has the shape it had; the portal's are its own, new ones.
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapes);
  });
});
