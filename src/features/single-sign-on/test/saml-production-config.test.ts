// SAML in production is decided by the portal's config, not by NODE_ENV: the reference CRM booted
// with secure cookies (behind a proxy that says HTTPS) and NODE_ENV left as the tests run it. The
// new-provider form refuses to switch signed assertions off (400, saying why) and saves with them
// on; a provider whose row says otherwise (written before, or by hand) still gets a response whose
// assertion is not signed itself refused, with the reason in the activity log. Secure cookies are
// not sent over plain HTTP by the test's agents, so this file keeps its own cookies.
import { expect } from 'chai';
import request from 'supertest';
import { csrfFrom, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { startSamlIdp, type TestSamlIdp } from './saml-identity-provider.ts';

const ADMIN = '/settings/client-portal';
const PORTAL = '/portal/demo';

/** The cookies a browser behind the HTTPS proxy would keep, sent back on every request of this file. */
function httpsClient(h: PortalHarness) {
  const cookies = new Map<string, string>();
  const keep = (res: request.Response) => {
    for (const line of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return res;
  };
  const cookie = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return {
    get: async (path: string) => keep(await request(h.crm.url).get(path).set('X-Forwarded-Proto', 'https').set('Cookie', cookie())),
    post: async (path: string, form: Record<string, string>) =>
      keep(await request(h.crm.url).post(path).set('X-Forwarded-Proto', 'https').set('Cookie', cookie()).type('form').send(form)),
  };
}

describe('single sign-on (SAML) in production, decided by the portal config', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let idp: TestSamlIdp;
  let staff: ReturnType<typeof httpsClient>;
  let workspaceId: string;

  before(async function () {
    h = await startPortalHarness({ boot: { secureCookies: true, trustProxy: 'loopback' } });
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    idp = startSamlIdp({ entityId: 'https://idp.production.test/saml' });
    staff = httpsClient(h);
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const signIn = await staff.get('/signin');
    const signedIn = await staff.post('/signin', { _csrf: csrfFrom(signIn.text), email: admin.email, password: admin.password });
    expect(signedIn.status, signedIn.text).to.equal(303);
    expect(String(signedIn.headers['set-cookie'])).to.match(/;\s*Secure/i);
  });
  after(async function () {
    await h?.close();
  });

  async function addProvider(form: Record<string, string>) {
    const page = await staff.get(`${ADMIN}/single-sign-on/new-saml`);
    expect(page.status).to.equal(200);
    return staff.post(`${ADMIN}/single-sign-on/saml`, {
      _csrf: csrfFrom(page.text),
      displayName: 'Production SAML',
      metadataXml: idp.metadata,
      emailAttribute: 'email',
      allowIdpInitiated: 'on',
      ...form,
    });
  }

  it('runs with NODE_ENV not production: only the config can make it production', function () {
    expect(process.env.NODE_ENV).not.to.equal('production');
  });

  it('refuses a provider without signed assertions (400, saying why), and saves one with them', async function () {
    const refused = await addProvider({});
    expect(refused.status).to.equal(400);
    expect(refused.text).to.contain('In production the portal only accepts signed assertions: keep this box ticked.');
    expect(await h.crm.db('portal_sso_providers').where({ workspace_id: workspaceId, display_name: 'Production SAML' }).first()).to.equal(
      undefined,
    );
    const saved = await addProvider({ wantAssertionsSigned: 'on' });
    expect(saved.status, saved.text).to.equal(303);
  });

  it('refuses an assertion that is not signed itself, even where the provider’s row allows it', async function () {
    const provider = await h.crm
      .db('portal_sso_providers')
      .where({ workspace_id: workspaceId, display_name: 'Production SAML' })
      .first('id');
    await h.crm
      .db('portal_sso_saml_settings')
      .where({ workspace_id: workspaceId, provider_id: provider.id })
      .update({ want_assertions_signed: false });
    const northwindId = String((await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    const href = `${ADMIN}/single-sign-on/${provider.id}`;
    const page = await staff.get(href);
    const bound = await staff.post(`${href}/bindings`, {
      _csrf: csrfFrom(page.text),
      clientId: northwindId,
      emailDomains: 'northwind.test',
      signInMode: 'any',
    });
    expect(bound.status, bound.text).to.equal(303);
    const spMetadata = (await staff.get(`${PORTAL}/saml/metadata`)).text;
    const response = await idp.answer(spMetadata, { email: 'maria@northwind.test', responseSignedOnly: true });
    const acs = await staff.post(`${PORTAL}/saml/acs`, { SAMLResponse: response });
    expect(acs.status).to.equal(303);
    expect(String(acs.headers.location)).to.contain('/sign-in/sso/refused');
    const row = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'sign_in.failed' })
      .orderBy('id', 'desc')
      .first('details');
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
    expect(details).to.include({ method: 'sso', reason: 'unsigned_assertion' });
  });
});
