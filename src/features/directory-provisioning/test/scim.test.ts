// SCIM 2.0 provisioning as Microsoft Entra ID and Okta send it, over HTTP against the reference CRM
// with the portal (real PostgreSQL, real SMTP capture). The request shapes are written from the
// directories' public documentation:
// - Entra ID: "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID"
//   (learn.microsoft.com, …/app-provisioning/use-scim-to-provision-users-and-groups): the
//   filter GET before a create, the create with the enterprise extension's schema, and PATCH with
//   capitalised ops ("Replace") and string booleans ("False").
// - Okta: "SCIM 2.0 protocol reference" (developer.okta.com/docs/api/openapi/okta-scim/guides/
//   scim-20): the filter GET with startIndex and count, the create with a password and groups,
//   PUT to update a profile, and PATCH {"op":"replace","value":{"active":false}} to deactivate.
// The agency creates the companies' tokens on the staff page; a person the directory deactivates
// is signed out on their next request; a revoked token, another company's person and another
// workspace's token are refused; bad bodies and filters answer SCIM errors; forty identical
// creates at once make one person.
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import {
  csrfFrom,
  signedInStaffAgent,
  sixDigitCode,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';
import { directoryProvisioningPersonalData } from '../personal-data.ts';
import { ScimError, sendScimError } from '../scim-errors.ts';
import { httpsOnly } from '../scim-routes.ts';

const ADMIN = '/settings/client-portal';
const SCIM_JSON = 'application/scim+json';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
type Agent = ReturnType<PortalHarness['agent']>;

describe('directory provisioning (SCIM 2.0)', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let staff: Agent;
  let workspaceId: string;
  let northwindId: string;
  let bluebellId: string;
  let base: string;
  let northwindToken: string;
  let bluebellToken: string;
  let acmeToken: string;

  /** The company's page, as the agency opens it. */
  const companyPage = (agent: Agent, clientId: string, admin = ADMIN) =>
    agent.get(`${admin}/directory-provisioning/${clientId}`).expect(200);

  /** Creates a token on the company's staff page; the value is read from the page the form leads to. */
  async function createToken(agent: Agent, clientId: string): Promise<string> {
    const page = await companyPage(agent, clientId);
    const formId = /name="formId" value="([^"]+)"/.exec(page.text)![1]!;
    const created = await agent
      .post(`${ADMIN}/directory-provisioning/${clientId}/tokens`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), formId })
      .expect(303);
    const shown = await agent.get(String(created.headers.location)).expect(200);
    return /data-scim-token>([^<]+)</.exec(shown.text)![1]!;
  }

  /** A SCIM request as a directory sends it: bearer token, application/scim+json. */
  function scim(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, token: string, body?: unknown, url = base) {
    const req = h.agent()[method](`${url}${path}`).set('Authorization', `Bearer ${token}`).set('Accept', SCIM_JSON);
    return body === undefined ? req : req.set('Content-Type', SCIM_JSON).send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  // biome-ignore lint/suspicious/noExplicitAny: a SCIM answer read as a directory reads it, untyped JSON
  const json = (res: { text: string }) => JSON.parse(res.text) as Record<string, any>;

  function expectScimError(res: { status: number; text: string; headers: Record<string, string> }, status: number, scimType?: string) {
    expect(res.status, res.text).to.equal(status);
    expect(res.headers['content-type']).to.match(/^application\/scim\+json/);
    const body = json(res);
    expect(body.schemas).to.deep.equal([ERROR]);
    expect(body.status).to.equal(String(status));
    expect(body.detail)
      .to.be.a('string')
      .and.not.match(/at .*\.ts:\d+/);
    if (scimType) expect(body.scimType).to.equal(scimType);
  }

  const userIdOf = async (email: string) =>
    String((await h.crm.db('client_users').where({ workspace_id: workspaceId, email }).first('id')).id);

  /** Signs in with an emailed code, as a provisioned person without a password does. */
  async function signInWithCode(email: string): Promise<Agent> {
    // Another request for the same email within a few seconds is taken for a double click.
    await h.afterRepeatWindow();
    // Three sign-ins of one person here: the per-email code limit is another test's.
    await h.crm.db('portal_rate_limits').delete();
    // An earlier code still on its way must not be taken for this one.
    await h.crm.portal.drainOutbox();
    h.smtp.clear();
    const agent = h.agent();
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    await agent
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email })
      .expect(200);
    const message = await h.smtp.waitForMessage((m) => m.to.includes(email), 5000);
    const form = await agent.get('/portal/demo/sign-in/code').expect(200);
    await agent
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email, code: sixDigitCode(message.subject) })
      .expect(303);
    await agent.get('/portal/demo/').expect(200);
    return agent;
  }

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    northwindId = String((await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    bluebellId = String((await h.crm.db('clients').where({ workspace_id: workspaceId }).whereILike('name', 'Bluebell%').first('id')).id);
    staff = await signedInStaffAgent(h, 'demo');
    const page = await companyPage(staff, northwindId);
    // The address the page tells the agency to paste, as a path of the test server.
    base = new URL(/data-scim-base>([^<]+)</.exec(page.text)![1]!).pathname;
    expect(base).to.equal('/portal/demo/scim/v2');
    northwindToken = await createToken(staff, northwindId);
    bluebellToken = await createToken(staff, bluebellId);
    const acmeId = String((await h.crm.db('workspaces').where({ slug: 'acme' }).first('id')).id);
    const acmeClient = String((await h.crm.db('clients').where({ workspace_id: acmeId }).first('id')).id);
    acmeToken = await createToken(await signedInStaffAgent(h, 'acme'), acmeClient);
    // Northwind's provisioning may create the contacts the CRM does not have yet.
    const settings = await companyPage(staff, northwindId);
    await staff
      .post(`${ADMIN}/directory-provisioning/${northwindId}/settings`)
      .type('form')
      .send({ _csrf: csrfFrom(settings.text), defaultRole: 'member', createContacts: 'on' })
      .expect(303);
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  it('describes itself: ServiceProviderConfig, Schemas and ResourceTypes', async function () {
    const config = await scim('get', '/ServiceProviderConfig', northwindToken).expect(200);
    expect(config.headers['content-type']).to.match(/^application\/scim\+json/);
    expect(json(config).patch).to.deep.equal({ supported: true });
    expect(json(config).filter.supported).to.equal(true);
    expect(json(config).authenticationSchemes[0].type).to.equal('oauthbearertoken');
    const schemas = json(await scim('get', '/Schemas', northwindToken).expect(200));
    expect(schemas.Resources.map((s: { id: string }) => s.id)).to.deep.equal([CORE_USER, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
    const types = json(await scim('get', '/ResourceTypes', northwindToken).expect(200));
    expect(types.Resources[0]).to.include({ id: 'User', endpoint: '/Users', schema: CORE_USER });
  });

  it('Entra ID: filter, create, deactivate (the person signed out at once, their code void), reactivate', async function () {
    const email = 'entra.person@northwind.test';
    // Entra first looks the person up by the matching attribute.
    const before = json(await scim('get', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`, northwindToken).expect(200));
    expect(before).to.include({ totalResults: 0 });
    const created = await scim('post', '/Users', northwindToken, {
      schemas: [CORE_USER, ENTERPRISE_USER],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: email,
      active: true,
      emails: [{ primary: true, type: 'work', value: email }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Erika Entra', familyName: 'Entra', givenName: 'Erika' },
      roles: [],
      [ENTERPRISE_USER]: { department: 'Finance', employeeNumber: '4711' },
    }).expect(201);
    const user = json(created);
    expect(user).to.include({ userName: email, externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef', active: true });
    expect(user.name).to.deep.equal({ givenName: 'Erika', familyName: 'Entra', formatted: 'Erika Entra' });
    expect(created.headers.location).to.match(new RegExp(`${base}/Users/${user.id}$`));
    // A client user of Northwind, linked to the contact created for them in the CRM.
    const row = await h.crm.db('client_users').where({ workspace_id: workspaceId, id: user.id }).first();
    expect(row).to.include({ client_id: northwindId, email, status: 'invited', role: 'member' });
    const contact = await h.crm.db('contacts').where({ workspace_id: workspaceId, id: row.contact_id }).first();
    expect(String(contact.client_id)).to.equal(northwindId);
    expect(contact.email).to.equal(email);

    const listed = json(
      await scim('get', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=10`, northwindToken).expect(200),
    );
    expect(listed).to.include({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(listed.Resources[0].id).to.equal(user.id);

    // The person signs in; a code they asked for since waits unused.
    const person = await signInWithCode(email);
    const other = await signInWithCode(email);
    await h.afterRepeatWindow();
    const stranger = h.agent();
    const signInPage = await stranger.get('/portal/demo/sign-in').expect(200);
    h.smtp.clear();
    await stranger
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(signInPage.text), email })
      .expect(200);
    await h.smtp.waitForMessage((m) => m.to.includes(email), 5000);
    const waiting = () =>
      h.crm.db('client_login_codes').where({ workspace_id: workspaceId, client_user_id: user.id }).whereNull('consumed_at');
    expect(await waiting()).to.have.length.greaterThan(0);

    const patched = await scim('patch', `/Users/${user.id}`, northwindToken, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    }).expect(200);
    const at = Date.now();
    expect(json(patched).active).to.equal(false);
    // Both of their open sessions end: the next request of each is sent to sign in.
    const next = await person.get('/portal/demo/').expect(303);
    expect(next.headers.location).to.match(/\/portal\/demo\/sign-in/);
    await other.get('/portal/demo/').expect(303);
    expect(Date.now() - at).to.be.below(1000);
    const sessions = await h.crm.db('client_sessions').whereRaw("sess->'portal'->>'clientUserId' = ?", [user.id]);
    expect(sessions).to.have.length(0);
    expect(await waiting()).to.have.length(0);
    const logged = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: workspaceId, client_user_id: user.id, event: 'directory.person_deactivated' })
      .first();
    expect(logged.details).to.include({ tokenPrefix: northwindToken.slice(0, 8) });

    // Entra adds and replaces attributes by path, booleans as strings.
    const reactivated = json(
      await scim('patch', `/Users/${user.id}`, northwindToken, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'active', value: 'True' },
          { op: 'Add', path: 'name.givenName', value: 'Erica' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
          { op: 'Add', path: `${ENTERPRISE_USER}:department`, value: 'Sales' },
        ],
      }).expect(200),
    );
    expect(reactivated).to.include({ active: true });
    expect(reactivated.name.givenName).to.equal('Erica');
    expect((await h.crm.db('client_users').where({ workspace_id: workspaceId, id: user.id }).first('status')).status).to.equal('active');
    await signInWithCode(email);
  });

  it('Okta: filter with paging, create linked to the existing contact, PUT, PATCH active false and back', async function () {
    const email = 'tom@northwind.test';
    const contact = await h.crm.db('contacts').where({ workspace_id: workspaceId, email }).first('id');
    const before = json(
      await scim('get', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`, northwindToken).expect(200),
    );
    expect(before.totalResults).to.equal(0);
    const created = json(
      await scim('post', '/Users', northwindToken, {
        schemas: [CORE_USER],
        userName: email,
        name: { givenName: 'Tom', familyName: 'Becker' },
        emails: [{ primary: true, value: email, type: 'work' }],
        displayName: 'Tom Becker',
        locale: 'en-US',
        externalId: '00ujl29u0le5T6Aj10h7',
        groups: [],
        password: '1mz050nq',
        active: true,
      }).expect(201),
    );
    const row = await h.crm.db('client_users').where({ workspace_id: workspaceId, id: created.id }).first('contact_id');
    expect(String(row.contact_id)).to.equal(String(contact.id));

    const put = json(
      await scim('put', `/Users/${created.id}`, northwindToken, {
        schemas: [CORE_USER],
        id: created.id,
        userName: email,
        name: { givenName: 'Thomas', familyName: 'Becker' },
        emails: [{ primary: true, value: email, type: 'work' }],
        displayName: 'Thomas Becker',
        externalId: '00ujl29u0le5T6Aj10h7',
        active: true,
      }).expect(200),
    );
    expect(put).to.include({ displayName: 'Thomas Becker', active: true });

    const person = await signInWithCode(email);
    const off = json(
      await scim('patch', `/Users/${created.id}`, northwindToken, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { active: false } }],
      }).expect(200),
    );
    expect(off.active).to.equal(false);
    await person.get('/portal/demo/').expect(303);
    expect(json(await scim('get', `/Users/${created.id}`, northwindToken).expect(200)).active).to.equal(false);
    const on = json(
      await scim('patch', `/Users/${created.id}`, northwindToken, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { active: true } }],
      }).expect(200),
    );
    expect(on.active).to.equal(true);
  });

  it('Groups as Entra ID and Okta push them: members get the role the agency mapped to the group’s name', async function () {
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const tom = await userIdOf('tom@northwind.test');
    const roleOf = async (id: string) =>
      (await h.crm.db('client_users').where({ workspace_id: workspaceId, id }).first('role')).role as string;
    const map = async (groupName: string, role: string) => {
      const form = await companyPage(staff, northwindId);
      await staff
        .post(`${ADMIN}/directory-provisioning/${northwindId}/group-roles`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), groupName, role })
        .expect(303);
    };
    await map('Portal Admins', 'full');
    await map('Finance', 'billing');
    expect(await roleOf(tom)).to.equal('member');

    // Entra: the group is looked up without its members, created, then members added and removed by path.
    const none = json(
      await scim(
        'get',
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Portal Admins"')}`,
        northwindToken,
      ).expect(200),
    );
    expect(none.totalResults).to.equal(0);
    const admins = json(
      await scim('post', '/Groups', northwindToken, {
        schemas: [GROUP],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Portal Admins',
        members: [],
      }).expect(201),
    );
    await scim('patch', `/Groups/${admins.id}`, northwindToken, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: tom }] }],
    }).expect(200);
    expect(await roleOf(tom)).to.equal('full');
    const listed = json(
      await scim('get', `/Groups?filter=${encodeURIComponent('displayName eq "portal admins"')}`, northwindToken).expect(200),
    );
    expect(listed.Resources[0].members).to.deep.equal([
      { value: tom, display: 'tom@northwind.test', $ref: `${listed.Resources[0].meta.location.replace(/\/Groups\/.*$/, '')}/Users/${tom}` },
    ]);

    // Okta: a group pushed with its members; the highest mapped role wins.
    const finance = json(
      await scim('post', '/Groups', northwindToken, {
        schemas: [GROUP],
        displayName: 'Finance',
        members: [{ value: tom, display: 'tom@northwind.test' }],
      }).expect(201),
    );
    expect(await roleOf(tom)).to.equal('full');
    await scim('patch', `/Groups/${admins.id}`, northwindToken, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: `members[value eq "${tom}"]` }],
    }).expect(200);
    expect(await roleOf(tom)).to.equal('billing');
    // Okta renames with a path-less replace: the new name maps to nothing, so the company's default role.
    await scim('patch', `/Groups/${finance.id}`, northwindToken, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: finance.id, displayName: 'Finance Team' } }],
    }).expect(200);
    expect(await roleOf(tom)).to.equal('member');
    await map('Finance Team', 'billing');
    expect(await roleOf(tom)).to.equal('billing');
    // Another company's token sees no such group; a name taken is 409.
    expectScimError(await scim('get', `/Groups/${finance.id}`, bluebellToken), 404);
    expectScimError(await scim('post', '/Groups', northwindToken, { schemas: [GROUP], displayName: 'finance team' }), 409, 'uniqueness');
    await scim('delete', `/Groups/${finance.id}`, northwindToken).expect(204);
    expect(await roleOf(tom)).to.equal('member');
    expectScimError(await scim('get', `/Groups/${finance.id}`, northwindToken), 404);
  });

  it('exports what the directory said of a person with their data, and forgets it with them', async function () {
    const hook = directoryProvisioningPersonalData({ db: h.crm.db });
    const tom = await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'tom@northwind.test' }).first();
    const group = json(
      await scim('post', '/Groups', northwindToken, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Exported',
        members: [{ value: tom.id }],
      }).expect(201),
    );
    const exported = await hook.export({ workspaceId, user: tom } as Parameters<typeof hook.export>[0]);
    const file = exported.entries?.[0] as { path: string; json: { directory: Record<string, unknown>; groups: string[] } };
    expect(file.path).to.equal('directory-provisioning.json');
    expect(file.json.directory).to.include({ externalId: '00ujl29u0le5T6Aj10h7', givenName: 'Thomas', familyName: 'Becker' });
    expect(file.json.groups).to.deep.equal(['Exported']);
    const person = { workspaceId, id: String(tom.id), contactId: String(tom.contact_id), clientId: northwindId, email: tom.email };
    const erased = await h.crm.db.transaction((trx) => hook.erase(trx, person));
    expect(erased.counts).to.deep.equal({ directoryRecords: 1, directoryGroupMemberships: 1 });
    expect(await h.crm.db('portal_scim_people').where({ workspace_id: workspaceId, client_user_id: tom.id })).to.have.length(0);
    await scim('delete', `/Groups/${group.id}`, northwindToken).expect(204);
  });

  it('deactivates even the company’s last client admin: the directory says the person left', async function () {
    const olivia = await userIdOf('olivia@northwind.test');
    const admins = await h.crm
      .db('client_users')
      .where({ workspace_id: workspaceId, client_id: northwindId, role: 'admin' })
      .whereNot('status', 'disabled');
    expect(admins.map((a: { id: string }) => String(a.id))).to.deep.equal([olivia]);
    await scim('patch', `/Users/${olivia}`, northwindToken, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    }).expect(200);
    await scim('patch', `/Users/${olivia}`, northwindToken, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    }).expect(200);
  });

  it('DELETE disables the person and hides them from the directory; a new create takes them back', async function () {
    const email = 'leaving@northwind.test';
    const created = json(await scim('post', '/Users', northwindToken, { schemas: [CORE_USER], userName: email, active: true }).expect(201));
    await scim('delete', `/Users/${created.id}`, northwindToken).expect(204);
    expectScimError(await scim('get', `/Users/${created.id}`, northwindToken), 404);
    expect((await h.crm.db('client_users').where({ workspace_id: workspaceId, id: created.id }).first('status')).status).to.equal(
      'disabled',
    );
    const back = json(await scim('post', '/Users', northwindToken, { schemas: [CORE_USER], userName: email, active: true }).expect(201));
    expect(back).to.include({ id: created.id, active: true });
  });

  it('refuses a revoked token (401), another company’s person (404) and another workspace’s token (401)', async function () {
    const maria = await userIdOf('maria@northwind.test');
    await scim('get', `/Users/${maria}`, northwindToken).expect(200);
    // Bluebell's directory sees none of Northwind's people.
    expectScimError(await scim('get', `/Users/${maria}`, bluebellToken), 404);
    expectScimError(
      await scim('patch', `/Users/${maria}`, bluebellToken, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      }),
      404,
    );
    expectScimError(await scim('delete', `/Users/${maria}`, bluebellToken), 404);
    const list = json(
      await scim('get', `/Users?filter=${encodeURIComponent('userName eq "maria@northwind.test"')}`, bluebellToken).expect(200),
    );
    expect(list.totalResults).to.equal(0);
    expect((await h.crm.db('client_users').where({ workspace_id: workspaceId, id: maria }).first('status')).status).not.to.equal(
      'disabled',
    );
    // Acme's token at the demo workspace, and the demo's at Acme's.
    expectScimError(await scim('get', '/Users', acmeToken), 401);
    expectScimError(await scim('get', '/Users', northwindToken, undefined, '/portal/acme/scim/v2'), 401);
    const missing = await h.agent().get(`${base}/Users`).set('Accept', SCIM_JSON);
    expectScimError(missing, 401);
    expect(missing.headers['www-authenticate']).to.match(/^Bearer/);

    // Revoked on the staff page: refused from the next request.
    const spare = await createToken(staff, bluebellId);
    await scim('get', '/Users', spare).expect(200);
    const page = await companyPage(staff, bluebellId);
    const tokenId = (
      await h.crm
        .db('portal_scim_tokens')
        .where({ workspace_id: workspaceId, prefix: spare.slice(0, 8) })
        .first('id')
    ).id;
    await staff
      .post(`${ADMIN}/directory-provisioning/${bluebellId}/tokens/${tokenId}/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expectScimError(await scim('get', '/Users', spare), 401);
  });

  it('answers bad requests with SCIM errors: malformed JSON, bad filters, bad values, unknown ids, userName changes', async function () {
    expectScimError(await scim('post', '/Users', northwindToken, '{"userName": "x@northwind.test",'), 400, 'invalidSyntax');
    expectScimError(await scim('post', '/Users', northwindToken, '[1, 2]'), 400, 'invalidSyntax');
    expectScimError(await scim('post', '/Users', northwindToken, { schemas: [CORE_USER], userName: 'not an email' }), 400, 'invalidValue');
    expectScimError(await scim('post', '/Users', northwindToken, { schemas: [CORE_USER], active: true }), 400, 'invalidValue');
    for (const filter of ['userName sw "maria"', 'displayName eq "x"', 'userName eq maria', '(userName eq "a") or (userName eq "b")']) {
      expectScimError(await scim('get', `/Users?filter=${encodeURIComponent(filter)}`, northwindToken), 400, 'invalidFilter');
    }
    const maria = await userIdOf('maria@northwind.test');
    expectScimError(
      await scim('patch', `/Users/${maria}`, northwindToken, { schemas: [PATCH_OP], Operations: [{ op: 'Move', path: 'active' }] }),
      400,
    );
    expectScimError(
      await scim('patch', `/Users/${maria}`, northwindToken, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'active', value: 'perhaps' }],
      }),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim('patch', `/Users/${maria}`, northwindToken, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'userName', value: 'new@northwind.test' }],
      }),
      400,
      'mutability',
    );
    expectScimError(await scim('get', '/Users/00000000-0000-0000-0000-000000000000', northwindToken), 404);
    expectScimError(await scim('get', '/Users/not-an-id', northwindToken), 404);
    expectScimError(await scim('get', '/Bulk', northwindToken), 404);
    expectScimError(await scim('get', `/Groups?filter=${encodeURIComponent('members eq "x"')}`, northwindToken), 400, 'invalidFilter');
    // A person with no contact in a company whose provisioning does not create contacts.
    expectScimError(
      await scim('post', '/Users', bluebellToken, { schemas: [CORE_USER], userName: 'nobody@bluebell.test' }),
      400,
      'invalidValue',
    );
    // Maria already signs in to the portal: the directory is told she exists.
    expectScimError(
      await scim('post', '/Users', northwindToken, { schemas: [CORE_USER], userName: 'maria@northwind.test' }),
      409,
      'uniqueness',
    );
  });

  it('makes one person of forty identical creates at once; the rest are told it exists (409), none fails', async function () {
    const email = 'burst@northwind.test';
    const body = {
      schemas: [CORE_USER],
      userName: email,
      externalId: 'burst-1',
      name: { givenName: 'Burst', familyName: 'Test' },
      active: true,
    };
    const answers = await Promise.all(Array.from({ length: 40 }, () => scim('post', '/Users', northwindToken, body)));
    const statuses = answers.map((res) => res.status).sort();
    expect(
      statuses.filter((s) => s === 201),
      statuses.join(),
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s === 409),
      statuses.join(),
    ).to.have.length(39);
    for (const res of answers.filter((r) => r.status === 409)) expectScimError(res, 409, 'uniqueness');
    expect(await h.crm.db('client_users').where({ workspace_id: workspaceId, email })).to.have.length(1);
    expect(await h.crm.db('contacts').where({ workspace_id: workspaceId, email })).to.have.length(1);
  });

  it('costs a bounded number of queries per request, each naming its workspace', async function () {
    const maria = await userIdOf('maria@northwind.test');
    const measure = async (what: string, budget: number, action: () => Promise<unknown>) => {
      const counter = countQueries();
      try {
        const measured = await counter.measure(action);
        // The event bus's notify (the sessions ended, told to every instance) is PostgreSQL's
        // LISTEN/NOTIFY on a server and in-process on the embedded database: not the request's SQL.
        const sql = measured.sql.filter((statement) => !/^select pg_notify\(/i.test(statement.trim()));
        const counted = { ...measured, sql, count: sql.length };
        expect(counted.count, describeQueries(what, counted)).to.equal(budget);
        expectEachNamesItsWorkspace(counted.sql, what);
      } finally {
        counter.stop();
      }
    };
    // The token's use was written a moment ago (once a minute at most): the token and its limits, then the page of people.
    await scim('get', '/ServiceProviderConfig', northwindToken).expect(200);
    await measure('SCIM list by userName', 5, () =>
      scim('get', `/Users?filter=${encodeURIComponent('userName eq "maria@northwind.test"')}`, northwindToken).expect(200),
    );
    // The person is locked before they are read: the same change sent at once is made, and logged, once.
    await measure('SCIM deactivation', 15, () =>
      scim('patch', `/Users/${maria}`, northwindToken, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      }).expect(200),
    );
    await scim('patch', `/Users/${maria}`, northwindToken, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    }).expect(200);
  });

  it('refuses a body past the 64 KB limit with a SCIM error (413), and takes one just under it', async function () {
    const padded = (size: number) => ({ schemas: [CORE_USER], userName: `big${size}@northwind.test`, title: 'x'.repeat(size) });
    expectScimError(await scim('post', '/Users', northwindToken, padded(70_000)), 413);
    await scim('post', '/Users', northwindToken, padded(64_000)).expect(201);
  });

  it('limits the failed tokens of an address (429 with Retry-After)', async function () {
    for (let i = 0; i < 20; i++) expectScimError(await scim('get', '/Users', `wrong-token-${'x'.repeat(30)}-${i}`), 401);
    const blocked = await scim('get', '/Users', northwindToken);
    expectScimError(blocked, 429);
    expect(Number(blocked.headers['retry-after'])).to.be.greaterThan(0);
  });

  it('in production answers only over HTTPS, as the portal knows it (req.secure behind trust proxy)', async function () {
    const app = express();
    app.set('trust proxy', 'loopback');
    app.get('/scim', httpsOnly({ secureCookies: true }), (_req, res) => {
      res.json({ ok: true });
    });
    app.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) =>
      err instanceof ScimError ? sendScimError(res, err) : next(err),
    );
    expectScimError(await request(app).get('/scim'), 403);
    await request(app).get('/scim').set('X-Forwarded-Proto', 'https').expect(200);
    const plain = express();
    plain.get('/scim', httpsOnly({ secureCookies: false }), (_req, res) => {
      res.json({ ok: true });
    });
    await request(plain).get('/scim').expect(200);
  });
});
