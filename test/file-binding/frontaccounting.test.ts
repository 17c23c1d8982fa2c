// FrontAccounting served from bindings/frontaccounting.yaml alone, on FrontAccounting 2.4's real
// schema (test/fixtures/real-schemas/frontaccounting.sql) seeded as FrontAccounting stores its rows:
// customers with their branches and contact people, sales quotations (sales orders of type 32) with
// their lines and the audit trail FrontAccounting writes for each, invoices (debtor_trans type 10)
// paid, part-paid and voided, a credit note, and payments allocated to invoices. The shared host
// adapter contract runs on the file binding; then what is FrontAccounting's own: totals and paid
// amounts as its inquiries compute them, voided invoices, credit notes and sales orders never
// shown, only the "General" contacts signing in, staff signing in with their md5 password, and a
// client's acceptance recorded as the file declares it (audit trail, version, customer reference)
// with no host table's shape changed.
import { expect } from 'chai';
import type { Knex } from 'knex';
import path from 'node:path';
import type { FileBinding } from '../../plugins/file-binding/adapter.ts';
import { fileStandaloneBinding } from '../../plugins/file-binding/standalone.ts';
import { describeHostAdapterContract } from '../contract/host-adapter-contract.ts';
import { realSchemaUnavailable } from './real-schema.ts';
import { FRONTACCOUNTING } from './seeded-frontaccounting.ts';
import { bindingFromFile, invitationTo, portalEnv, type SeededCrm, seededCrm } from './serve-binding-file.ts';
import { csrfFrom } from '../support/portal-harness.ts';
import { publicTables, schemaSnapshot } from '../support/schema-snapshot.ts';
import { acceptInvitation } from '../support/test-host.ts';
import { runPortal, serveOnAFreePort, stopPortal, type ServingPortal } from '../standalone/portal-process.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FILE = path.join(ROOT, 'bindings/frontaccounting.yaml');
const SLUG = 'training-co';
const WORKSPACE = '1';

const reason = realSchemaUnavailable();
if (reason)
  describe('host adapter contract: binding file: FrontAccounting', function () {
    it(`is skipped: ${reason}`, function () {
      // Said in the test's name: no PostgreSQL server (DATABASE_URL) here.
      this.skip();
    });
  });
else
  describeHostAdapterContract('binding file: FrontAccounting', async () => {
    const crm = await seededCrm(FRONTACCOUNTING);
    const binding = await bindingFromFile(crm.db, FILE);
    return {
      adapter: binding.adapter,
      db: crm.db,
      fixture: {
        workspaceSlug: SLUG,
        knownContactEmail: 'claire@bars.test',
        drafts: [
          { kind: 'invoice', clientId: '1', id: '3' },
          { kind: 'invoice', clientId: '1', id: '5' },
          { kind: 'quotation', clientId: '1', id: '7' },
        ],
        decisions: {
          accept: { kind: 'quotation', id: '1', clientId: '1' },
          decline: { kind: 'quotation', id: '3', clientId: '2' },
          race: { kind: 'quotation', id: '4', clientId: '1' },
          otherClientId: '2',
        },
      },
      close: crm.close,
    };
  });

describe('bindings/frontaccounting.yaml on FrontAccounting', function () {
  this.timeout(120_000);
  let crm: SeededCrm;
  let db: Knex;
  let binding: FileBinding;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) here: FrontAccounting's schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(FRONTACCOUNTING);
    db = crm.db;
    binding = await bindingFromFile(db, FILE);
  });
  after(async function () {
    await crm?.close();
  });

  it("reads invoices as FrontAccounting's inquiries do: totals, tax, what is allocated, never voided ones or credit notes", async function () {
    const invoices = binding.adapter.invoices!;
    const page = await invoices.list(WORKSPACE, '1', {}, { limit: 10 });
    expect(page.items.map((i) => [i.number, i.status, i.totalCents, i.paidCents, i.balanceCents, i.currency])).to.deep.equal([
      ['IN002/2026', 'open', 35000, 12000, 23000, 'EUR'],
      ['IN001/2026', 'paid', 120000, 120000, 0, 'EUR'],
    ]);
    const paid = await invoices.find(WORKSPACE, '1', '1');
    expect(paid).to.deep.include({ subtotalCents: 100000, taxCents: 20000, notes: 'Thank you for your order.' });
    expect(paid!.lines).to.deep.equal([
      {
        description: 'Website design',
        quantity: 1,
        unitPriceCents: 100000,
        totalCents: 100000,
        taxRatePercent: null,
        discountPercent: null,
      },
    ]);
    expect(paid!.payments.map((p) => [p.number, p.amountCents, p.paidAt.toISOString().slice(0, 10)])).to.deep.equal([
      ['PAY001/2026', 120000, '2026-10-09'],
    ]);
    // A credit note allocated to an invoice is part of what is paid, and says what it is.
    const partPaid = await invoices.find(WORKSPACE, '1', '2');
    expect(partPaid!.payments.map((p) => [p.number, p.method, p.amountCents])).to.deep.equal([
      ['CN001/2026', 'credit_note', 2000],
      ['PAY002/2026', 'other', 10000],
    ]);
    // Credit note 5 and payment 1 share numbers with no invoice of the client: not invoices.
    expect(await invoices.find(WORKSPACE, '1', '5')).to.equal(null);
    expect(await invoices.find(WORKSPACE, '1', '3')).to.equal(null);
    // One company, so no other workspace to cross (the contract skips that): clients are the bound.
    expect(await invoices.find(WORKSPACE, '2', '1')).to.equal(null);
    expect((await invoices.list(WORKSPACE, '2', {}, { limit: 10 })).items.map((i) => i.number)).to.deep.equal(['IN004/2026']);
    expect(await binding.adapter.offers!.find(WORKSPACE, '1', 'quotation', '3')).to.equal(null);
  });

  it('reads quotations with their lines, a discount kept as a fraction, and no sales orders', async function () {
    const offers = binding.adapter.offers!;
    expect(offers.kinds).to.deep.equal(['quotation']);
    expect(offers.outcomes).to.deep.equal({ quotation: ['accepted', 'declined'] });
    const page = await offers.list(WORKSPACE, '1', 'quotation', {}, { limit: 10 });
    expect(page.items.map((q) => [q.number, q.status, q.totalCents, q.validUntil])).to.deep.equal([
      ['QU004/2026', 'open', 25000, '2026-12-07'],
      ['QU002/2026', 'open', 54000, '2026-12-05'],
      ['QU001/2026', 'open', 120000, '2026-12-02'],
    ]);
    const discounted = await offers.find(WORKSPACE, '1', 'quotation', '2');
    expect(discounted!.lines).to.deep.equal([
      { description: 'Logo sketches', quantity: 2, unitPriceCents: 30000, totalCents: 54000, taxRatePercent: null, discountPercent: 10 },
    ]);
    expect(discounted).to.deep.include({ terms: 'Payment due within 10 days', body: 'Quotation QU002/2026' });
    expect(await offers.find(WORKSPACE, '1', 'quotation', '7')).to.equal(null);
  });

  it("signs in each customer's General contacts only, and staff with their FrontAccounting password", async function () {
    const contacts = await binding.adapter.contacts.list(WORKSPACE);
    expect(contacts.map((c) => [c.id, c.email, c.name, c.clientName])).to.deep.equal([
      ['2', 'claire@bars.test', 'Claire Baker', 'Bars Bakery Ltd'],
      ['4', 'oscar@other.test', 'Oscar Other', 'Other Works Ltd'],
    ]);
    // FrontAccounting keeps no client passwords: the portal keeps its own.
    expect(binding.adapter.credentials).to.equal(undefined);

    const host = await fileStandaloneBinding(FILE).open(db, {});
    expect(await host.signInStaff('adm@example.com', 'password')).to.deep.include({ id: '1', role: 'admin', name: 'Administrator' });
    expect(await host.signInStaff('sally@agency.test', 'sally-sells')).to.deep.include({ id: '2', role: 'member' });
    expect(await host.signInStaff('sally@agency.test', 'password')).to.equal(null);
    expect(await host.signInStaff('gone@agency.test', 'gone-away')).to.equal(null);
  });

  it("records a client's acceptance as the file declares it: FrontAccounting's audit trail, version and customer reference", async function () {
    const hostTables = await publicTables(db);
    const shapes = await schemaSnapshot(db, hostTables);
    const before = (await db('0_sales_orders').where({ trans_type: 32, order_no: 2 }).first()) as Record<string, unknown>;
    const at = new Date('2026-11-20T10:15:00Z');
    const decided = await binding.adapter.offers!.decide(WORKSPACE, '1', 'quotation', '2', {
      outcome: 'accepted',
      at,
      poNumber: 'PO-7731',
      signerName: 'Claire Baker',
    });
    expect(decided).to.equal(true);

    const after = (await db('0_sales_orders').where({ trans_type: 32, order_no: 2 }).first()) as Record<string, unknown>;
    expect(after).to.deep.equal({ ...before, version: Number(before.version) + 1, customer_ref: 'PO-7731' });
    const trail = (await db('0_audit_trail')
      .where({ type: 32, trans_no: 2 })
      .orderBy('id')
      .select('user', 'description', 'fiscal_year', 'gl_seq', db.raw(`to_char(gl_date, 'YYYY-MM-DD') as gl_date`))) as unknown[];
    expect(trail).to.deep.equal([
      { user: 1, description: '', fiscal_year: 1, gl_seq: null, gl_date: '2026-11-01' },
      { user: 0, description: 'Accepted by the client in the portal', fiscal_year: 1, gl_seq: 0, gl_date: '2026-11-20' },
    ]);
    const accepted = await binding.adapter.offers!.find(WORKSPACE, '1', 'quotation', '2');
    expect(accepted?.status).to.equal('accepted');
    expect(accepted?.decidedAt?.toISOString()).to.equal(at.toISOString());
    // No other quotation's trail changed, and a second decision changes nothing.
    expect(await db('0_audit_trail').where({ type: 32, trans_no: 1 }).first('gl_seq')).to.deep.equal({ gl_seq: 0 });
    expect(await binding.adapter.offers!.decide(WORKSPACE, '1', 'quotation', '2', { outcome: 'declined', at: new Date() })).to.equal(false);
    expect(await db('0_audit_trail').where({ type: 32, trans_no: 2 }).count('* as n')).to.deep.equal([{ n: 2 }]);
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapes);
  });
});

describe('npm run portal -- … --binding bindings/frontaccounting.yaml on FrontAccounting', function () {
  this.timeout(240_000);
  let crm: SeededCrm;
  let db: Knex;
  let serving: ServingPortal | undefined;

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) here: FrontAccounting's schema loads only with psql into a server.
    if (reason) this.skip();
    crm = await seededCrm(FRONTACCOUNTING, { mail: true });
    db = crm.db;
  });
  after(async function () {
    await stopPortal(serving).catch(() => null);
    await crm?.close();
  });

  it("migrates, invites, serves: the contact sets the portal's own password, reads their records only, accepts a quotation", async function () {
    const env = portalEnv(crm, SLUG);
    const hostTables = await publicTables(db);
    const shapes = await schemaSnapshot(db, hostTables);
    const migrated = await runPortal(['migrate', '--binding', FILE], env);
    expect(migrated.code, migrated.stderr).to.equal(0);
    const invited = await runPortal(['invite', '--binding', FILE, '--email', 'claire@bars.test'], {
      ...env,
      APP_URL: 'http://portal.example',
    });
    expect(invited.code, invited.stderr).to.equal(0);
    expect(invited.stdout).to.match(/Invited Claire Baker <claire@bars\.test> of Bars Bakery Ltd/);
    // Ben gets FrontAccounting's invoices by email, and is no one who signs in.
    const ben = await runPortal(['invite', '--binding', FILE, '--email', 'ben@bars.test'], { ...env, APP_URL: 'http://portal.example' });
    expect(ben.code).to.not.equal(0);
    const invitation = await invitationTo(crm, 'claire@bars.test');

    serving = await serveOnAFreePort(['--binding', FILE], (port) => ({ ...env, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }));
    const agent = await acceptInvitation(serving.url, invitation, 'claire-bakes-bread');

    const invoices = await agent.get(`/portal/${SLUG}/invoices`).expect(200);
    expect(invoices.text).to.include('IN001/2026').and.include('IN002/2026');
    for (const hidden of ['IN003/2026', 'IN004/2026', 'CN001/2026', 'PAY001/2026']) expect(invoices.text).not.to.include(hidden);
    await agent.get(`/portal/${SLUG}/invoices/4`).expect(404);
    expect((await agent.get(`/portal/${SLUG}/invoices/2`).expect(200)).text).to.include('Support hours');
    const quotations = await agent.get(`/portal/${SLUG}/quotations`).expect(200);
    expect(quotations.text).to.include('QU001/2026').and.not.include('QU003/2026').and.not.include('SO001/2026');
    await agent.get(`/portal/${SLUG}/proposals`).expect(404);
    const accept = await agent.get(`/portal/${SLUG}/quotations/1/accept`).expect(200);
    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(accept.text)?.[1];
    const decided = await agent
      .post(`/portal/${SLUG}/quotations/1/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(accept.text), typedName: 'Claire Baker', consent: 'yes', fingerprint });
    expect(decided.status, decided.text).to.equal(303);
    const trail = await db('0_audit_trail').where({ type: 32, trans_no: 1, description: 'Accepted by the client in the portal' });
    expect(trail).to.have.length(1);

    expect(await stopPortal(serving, 20_000)).to.equal(0);
    serving = undefined;
    // Every FrontAccounting table has the shape it had; the portal's are its own, new ones.
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapes);
  });
});
