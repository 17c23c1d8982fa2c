// What `npm start` prints: the client portal's address and the demo clients' logins first (what a
// newcomer came to try), then the staff side, then how to choose another port.
import { expect } from 'chai';
import { startupLines } from '../../plugins/reference-crm/startup-lines.ts';

describe('npm start: what it prints', function () {
  const info = {
    url: 'http://localhost:3000',
    running: 'Reference CRM with the client portal is running at http://localhost:3000',
    production: false,
    staff: [{ workspaceSlug: 'demo', role: 'admin', email: 'alex@demo.test', password: 'staff-pass' }],
    clients: [
      { workspaceSlug: 'demo', name: 'Maria García', email: 'maria@northwind.test', password: 'client-pass' },
      { workspaceSlug: 'acme', name: 'Hana Sato', email: 'hana@lumen.test', password: 'other-pass' },
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

  it('prints how to create the first staff user in production, and no logins', function () {
    const text = startupLines({ ...info, production: true }).join('\n');
    expect(text).to.contain('npm run staff:create');
    expect(text).to.not.contain('client-pass');
  });
});
