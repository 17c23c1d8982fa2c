// What `npm start` prints: the client portal's address and the demo clients' logins first (what a
// newcomer came to try: a client admin and a Billing colleague among them, as the seed makes
// them), then the staff side, then how to choose another port.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { migratePortal } from '../../src/migrations/index.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { DEMO_CLIENT_PASSWORD, seedPortalDemo } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { ROLE_SUMMARY, startupLines } from '../../plugins/reference-crm/startup-lines.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { BUILT_IN_ROLES } from '../../src/core/policies/client-access.ts';
import { hostProvides } from '../../src/core/host/verify-claims.ts';
import { createTestDatabase } from '../support/database.ts';

describe('npm start: what it prints', function () {
  const info = {
    url: 'http://localhost:3000',
    running: 'Reference CRM with the client portal is running at http://localhost:3000',
    production: false,
    staff: [{ workspaceSlug: 'demo', role: 'admin', email: 'alex@demo.test', password: 'staff-pass' }],
    clients: [
      {
        workspaceSlug: 'demo',
        name: 'Maria García',
        clientName: 'Northwind',
        role: null,
        email: 'maria@northwind.test',
        password: 'client-pass',
      },
      { workspaceSlug: 'acme', name: 'Hana Sato', clientName: 'Lumen', role: null, email: 'hana@lumen.test', password: 'other-pass' },
    ],
    outbox: true,
  };

  it('prints the client portal and its logins before the staff side, and says how to choose the port', function () {
    const text = startupLines(info).join('\n');
    const portal = text.indexOf('http://localhost:3000/portal/demo/sign-in');
    const client = text.indexOf('maria@northwind.test  /  client-pass');
    const staff = text.indexOf('http://localhost:3000/signin');
    expect(portal).to.be.greaterThan(-1);
    expect(client).to.be.greaterThan(portal);
    expect(staff).to.be.greaterThan(client);
    expect(text.indexOf('alex@demo.test  /  staff-pass')).to.be.greaterThan(staff);
    expect(text).to.not.contain('hana@lumen.test');
    expect(text).to.match(/PORT=\d+ npm start/);
  });

  it('says the passwords it prints are the seeded ones (a changed password is not known to it)', function () {
    const text = startupLines(info).join('\n');
    expect(text).to.contain('sign in as one of (passwords as seeded):');
    expect(text.indexOf('(passwords as seeded)', text.indexOf('/signin'))).to.be.greaterThan(text.indexOf('/signin'));
  });

  it('describes the Billing role by what the role allows, in the same words as the README’s table', function () {
    // The sections a Billing person opens (comments ride on the invoices they see; the agency's
    // help articles are every role's).
    const sections = BUILT_IN_ROLES.billing.permissions.filter((permission) => permission !== 'comments' && permission !== 'knowledge');
    expect(sections).to.deep.equal(['invoices', 'payments', 'documents', 'contracts']);
    expect(ROLE_SUMMARY.billing).to.equal('invoices, payments, documents and contracts only');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const ben = readme.split('\n').find((line) => line.startsWith('| `ben@northwind.test`'));
    const olivia = readme.split('\n').find((line) => line.startsWith('| `olivia@northwind.test`'));
    expect(ben).to.contain(`Billing role: ${ROLE_SUMMARY.billing}`);
    expect(olivia).to.contain(ROLE_SUMMARY.admin);
    expect(readme).to.contain('`portal-demo-2026` as seeded');
  });

  it('prints how to create the first staff user in production, and no logins', function () {
    const text = startupLines({ ...info, production: true }).join('\n');
    expect(text).to.contain('npm run staff:create');
    expect(text).to.not.contain('client-pass');
  });

  it('prints the demo’s Northwind client admin and Billing colleague beside the first client login, as the seed makes them', async function () {
    this.timeout(120_000);
    const database = await createTestDatabase();
    const db = createKnex(database.url, 1);
    try {
      await migrateReferenceCrm(db);
      await migratePortal(db, { hostProvides: hostProvides(createReferenceCrmAdapter(db)) });
      const clients = await seedPortalDemo(db, (await seedReferenceCrm(db)).clients);
      const demo = await db('workspaces').where({ slug: 'demo' }).first('id');
      const northwind = await db('clients').where({ workspace_id: demo.id, name: 'Northwind Traders' }).first('id');
      const people = await db('client_users')
        .where({ workspace_id: String(demo.id) })
        .whereIn('email', ['maria@northwind.test', 'olivia@northwind.test', 'ben@northwind.test'])
        .orderBy('email')
        .select('email', 'role', 'status', 'client_id');
      const company = String(northwind.id);
      expect(people).to.deep.equal([
        { email: 'ben@northwind.test', role: 'billing', status: 'active', client_id: company },
        { email: 'maria@northwind.test', role: 'full', status: 'active', client_id: company },
        { email: 'olivia@northwind.test', role: 'admin', status: 'active', client_id: company },
      ]);
      const lines = startupLines({ ...info, clients });
      const first = lines.indexOf(`  maria@northwind.test  /  ${DEMO_CLIENT_PASSWORD}   (Maria García)`);
      expect(first, lines.join('\n')).to.be.greaterThan(-1);
      const admin = lines.indexOf(
        `  olivia@northwind.test  /  ${DEMO_CLIENT_PASSWORD}   (Olivia Hart, client admin at Northwind Traders: the Team page)`,
      );
      const billing = lines.indexOf(
        `  ben@northwind.test  /  ${DEMO_CLIENT_PASSWORD}   (Ben Carter, Billing role at Northwind Traders: invoices, payments, documents and contracts only)`,
      );
      expect(admin, lines.join('\n')).to.be.greaterThan(first);
      expect(billing, lines.join('\n')).to.be.greaterThan(admin);
      expect(
        lines.indexOf(`Staff side (the agency's CRM, with the portal's settings, inbox and notifications): ${info.url}/signin`),
      ).to.be.greaterThan(billing);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
