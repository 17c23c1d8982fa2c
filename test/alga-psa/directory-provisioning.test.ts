// Directory provisioning (SCIM 2.0) beside a real Alga PSA database, over HTTP: a person the
// company's directory creates is linked to the Alga contact of that company with the same email;
// Alga's binding cannot create contacts, so a person with none is refused with a SCIM error saying
// to add the contact first, even where the company's provisioning would allow creating one; a
// contact of another company with that email is not taken; deactivating disables the person.
// The token is written as the staff page writes it (its hash): the page is tested beside the
// reference CRM (src/features/directory-provisioning/test/staff-page.test.ts).
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { hashToken } from '../../src/core/index.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';

const reason = unavailable();
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('alga-psa host: directory provisioning links people to Alga contacts', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let base: string;
  let token: string;

  const scim = (method: 'get' | 'post' | 'patch', path: string, body?: unknown) => {
    const req = request(running.url)[method](`${base}${path}`).set('Authorization', `Bearer ${token}`);
    return body === undefined ? req : req.set('Content-Type', 'application/scim+json').send(JSON.stringify(body));
  };

  before(async function () {
    // No real Alga PSA database here (no DATABASE_URL, or no Alga schema file): `reason` says
    // which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    let slug: string;
    ({ running, slug } = await portalBesideAlga(host, { serve: true }));
    base = `/portal/${slug}/scim/v2`;
    token = randomBytes(32).toString('base64url');
    const { tenant, clients } = host.seed;
    await host.db('portal_scim_tokens').insert({
      workspace_id: tenant,
      client_id: clients.garage,
      token_hash: hashToken(token),
      prefix: token.slice(0, 8),
      form_id: randomUUID(),
      created_by_staff_id: host.seed.users.admin,
      created_by_staff_name: 'Alga Admin',
    });
    // The company's provisioning would create contacts: Alga's binding cannot, so it does not.
    await host
      .db('portal_scim_companies')
      .insert({ workspace_id: tenant, client_id: clients.garage, default_role: 'member', create_contacts: true });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('links a created person to the company’s Alga contact with that email, and deactivates them', async function () {
    const created = await scim('post', '/Users', {
      schemas: [CORE_USER],
      userName: 'Paul@Summit.example',
      name: { givenName: 'Paul', familyName: 'Dupont' },
      active: true,
    }).expect(201);
    const person = JSON.parse(created.text);
    expect(person.userName).to.equal('paul@summit.example');
    const row = await host.db('client_users').where({ workspace_id: host.seed.tenant, id: person.id }).first();
    expect(row).to.include({ client_id: host.seed.clients.garage, contact_id: host.seed.contacts.paul, status: 'invited' });
    await scim('patch', `/Users/${person.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    }).expect(200);
    expect((await host.db('client_users').where({ workspace_id: host.seed.tenant, id: person.id }).first('status')).status).to.equal(
      'disabled',
    );
  });

  it('refuses a person with no contact of that email in the company (another company’s contact is not taken)', async function () {
    const contactsBefore = await host.db('contacts').where({ tenant: host.seed.tenant }).count('* as n').first();
    for (const userName of ['new.hire@summit.example', 'sophie@harbor.example']) {
      const refused = await scim('post', '/Users', { schemas: [CORE_USER], userName, active: true });
      expect(refused.status, refused.text).to.equal(400);
      const body = JSON.parse(refused.text);
      expect(body).to.include({ status: '400', scimType: 'invalidValue' });
      expect(body.detail).to.contain('Add the contact there first');
    }
    expect(await host.db('contacts').where({ tenant: host.seed.tenant }).count('* as n').first()).to.deep.equal(contactsBefore);
    expect(
      await host
        .db('client_users')
        .where({ workspace_id: host.seed.tenant, email: 'sophie@harbor.example' })
        .whereNot('client_id', host.seed.clients.bakery),
    ).to.have.length(0);
  });
});
