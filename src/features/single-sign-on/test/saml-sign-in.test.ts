// SAML 2.0 sign-in against a real identity provider run by the suite (samlify, in this process:
// saml-identity-provider.ts), through the reference CRM over HTTP. An agency admin adds Northwind's
// identity provider by pasting its metadata, and Bluebell's by its fields; each company is bound
// to its own. Northwind's people sign in started at the portal (AuthnRequest, InResponseTo) and
// started at the provider, with a plain or an encrypted assertion, and with either certificate
// while the provider rolls its certificate over. Refused, each with its reason in the activity
// log: a replayed assertion, an unsigned response, a response signed without its assertion, a
// wrong audience, a wrong recipient or destination, an expired assertion, an assertion signed by
// another company's provider, a person of another company, an unknown email. Forty identical
// posts of one assertion sign in once. "Single sign-on only" holds for SAML as for OpenID Connect.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';
import { createSamlProtocol, readEnvelope } from '../saml.ts';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import { keyPairWithCertificate, startSamlIdp, type Answer, type TestSamlIdp } from './saml-identity-provider.ts';

const ADMIN = '/settings/client-portal';
/** The workspace's key pair, its verified custom domains (each a consumer service of the metadata). */
const METADATA_BUDGET = 2;
/** The limit, two prunes, the provider by issuer, its row, its settings, the key, the assertion id, the matcher's four, the handoff. */
const ACS_BUDGET = 13;
/** The limit, the handoff, the client user, then the account feature's completion (two-factor, its times, the log, the sessions). */
const CONTINUE_BUDGET = 8;
const PORTAL = '/portal/demo';
type Agent = ReturnType<PortalHarness['agent']>;

describe('single sign-on (SAML 2.0)', function () {
  let h: PortalHarness;
  let staff: Agent;
  let workspaceId: string;
  let northwindId: string;
  let bluebellId: string;
  let spMetadata: string;
  let northwind: TestSamlIdp;
  let bluebell: TestSamlIdp;
  let northwindHref: string;
  let northwindProviderId: string;
  let bluebellHref: string;

  const login = (email: string) => demoLogin(h, email);

  async function staffPost(pageUrl: string, action: string, form: Record<string, string>, status: number) {
    const page = await staff.get(pageUrl).expect(200);
    return staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...form })
      .expect(status);
  }

  const bind = (href: string, clientId: string, domains: string, form: Record<string, string> = {}) =>
    staffPost(href, `${href}/bindings`, { clientId, emailDomains: domains, signInMode: 'any', ...form }, 303);

  /** The identity provider's form post, as the browser sends it: no CSRF token, no session needed. */
  const postAcs = (agent: Agent, samlResponse: string) =>
    agent.post(`${PORTAL}/saml/acs`).type('form').send({ SAMLResponse: samlResponse });

  /** Posts the answer and follows the portal to its end: the completed sign-in's response, or the refusal page. */
  async function deliver(agent: Agent, samlResponse: string) {
    const acs = await postAcs(agent, samlResponse);
    expect(acs.status, acs.text).to.equal(303);
    const location = String(acs.headers.location);
    if (location.includes('/sign-in/sso/refused')) return { refused: true, res: await agent.get(location) };
    expect(location).to.match(/\/sign-in\/sso\/saml\/continue\?handoff=[\w-]{43}$/);
    return { refused: false, res: await continueFrom(agent, location) };
  }

  /** The portal's own page after the consumer service: its button posts the token back, same-site. */
  async function continueFrom(agent: Agent, location: string) {
    const page = await agent.get(location).expect(200);
    const handoff = new URL(location, 'http://portal.test').searchParams.get('handoff')!;
    expect(page.text).to.contain('Continue to the portal').and.contain(handoff);
    return agent
      .post(`${PORTAL}/sign-in/sso/saml/continue`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), handoff });
  }

  /** The reason the log gave the latest refused sign-in. */
  async function lastReason(): Promise<string> {
    const row = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'sign_in.failed' })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first('details');
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
    expect(details.method).to.equal('sso');
    return details.reason as string;
  }

  async function expectRefused(samlResponse: string, reason: string) {
    const { refused, res } = await deliver(h.agent(), samlResponse);
    expect(refused, `expected a refusal (${reason})`).to.equal(true);
    expect(res.status).to.be.within(400, 403);
    expect(await lastReason()).to.equal(reason);
  }

  async function expectSignedIn(agent: Agent, samlResponse: string, name = 'Maria') {
    const { refused, res } = await deliver(agent, samlResponse);
    expect(refused, refused ? `refused: ${await lastReason()}` : '').to.equal(false);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${PORTAL}/`);
    const dashboard = await agent.get(`${PORTAL}/`).expect(200);
    expect(dashboard.text).to.contain(name);
  }

  const answer = (idp: TestSamlIdp, fields: Partial<Answer> = {}) => idp.answer(spMetadata, { email: 'maria@northwind.test', ...fields });

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    northwindId = String((await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    bluebellId = String((await h.crm.db('clients').where({ workspace_id: workspaceId }).whereILike('name', 'Bluebell%').first('id')).id);
    staff = await signedInStaffAgent(h, 'demo');
    northwind = startSamlIdp({ entityId: 'https://idp.northwind.test/saml' });
    bluebell = startSamlIdp({ entityId: 'https://idp.bluebell.test/saml' });
  });
  after(async function () {
    await h?.close();
  });

  describe('staff pages and metadata', function () {
    it('publish the workspace’s service provider metadata: entity id, consumer service, its certificate', async function () {
      const res = await h.agent().get(`${PORTAL}/saml/metadata`).expect(200);
      expect(res.headers['content-type']).to.match(/^application\/samlmetadata\+xml/);
      spMetadata = res.text;
      expect(spMetadata).to.match(/entityID="[^"]+\/portal\/demo\/saml\/metadata"/);
      expect(spMetadata).to.match(/Location="[^"]+\/portal\/demo\/saml\/acs"/);
      expect(spMetadata).to.contain('use="encryption"').and.contain('X509Certificate');
      // The same key pair every time: made once for the workspace, its private key sealed.
      const withoutId = (xml: string) => xml.replace(/ ID="[^"]+"/, '');
      expect(withoutId((await h.agent().get(`${PORTAL}/saml/metadata`).expect(200)).text)).to.equal(withoutId(spMetadata));
      const key = await h.crm.db('portal_sso_saml_keys').where({ workspace_id: workspaceId }).first();
      expect(key.private_key_sealed).to.be.a('string').and.not.contain('PRIVATE KEY');
      const list = await staff.get(`${ADMIN}/single-sign-on`).expect(200);
      expect(list.text).to.contain('/portal/demo/saml/acs').and.contain('/portal/demo/saml/metadata');
    });

    it('give the key a certificate identity providers can read where the one stored cannot be (same key, the row mended)', async function () {
      const metadataOf = async () => (await h.agent().get('/portal/acme/saml/metadata').expect(200)).text;
      const certificateIn = (xml: string) => /<(?:ds:)?X509Certificate>([^<]+)</.exec(xml)?.[1]?.replace(/\s+/g, '') ?? '';
      const acmeId = String((await h.crm.db('workspaces').where({ slug: 'acme' }).first('id')).id);
      const first = certificateIn(await metadataOf());
      const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
      const keyOf = (body: string) => new X509Certificate(pem(body)).publicKey.export({ type: 'spki', format: 'pem' });
      // A serial written with a zero byte before one below 0x80, as one certificate in 256 was.
      const unreadable = pem(Buffer.from('3003020100', 'hex').toString('base64'));
      await h.crm.db('portal_sso_saml_keys').where({ workspace_id: acmeId }).update({ certificate: unreadable });
      const mended = certificateIn(await metadataOf());
      expect(mended).to.not.equal(first);
      expect(keyOf(mended)).to.equal(keyOf(first));
      const row = await h.crm.db('portal_sso_saml_keys').where({ workspace_id: acmeId }).first('certificate');
      expect(row.certificate.replace(/-----[A-Z ]+-----|\s+/g, '')).to.equal(mended);
      expect(certificateIn(await metadataOf())).to.equal(mended);
    });

    it('add a provider from its pasted metadata, and another from its fields; bind a company to each', async function () {
      const created = await staffPost(
        `${ADMIN}/single-sign-on/new-saml`,
        `${ADMIN}/single-sign-on/saml`,
        {
          displayName: 'Northwind SAML',
          metadataXml: northwind.metadata,
          emailAttribute: 'email',
          wantAssertionsSigned: 'on',
          allowIdpInitiated: 'on',
        },
        303,
      );
      northwindHref = String(created.headers.location).split('?')[0]!;
      northwindProviderId = northwindHref.split('/').pop()!;
      const settings = await h.crm
        .db('portal_sso_saml_settings')
        .where({ workspace_id: workspaceId, provider_id: northwindProviderId })
        .first();
      expect(settings.idp_entity_id).to.equal(northwind.entityId);
      expect(settings.sso_url).to.equal(northwind.ssoUrl);
      expect(settings.signing_certificates).to.have.length(1);
      const second = await staffPost(
        `${ADMIN}/single-sign-on/new-saml`,
        `${ADMIN}/single-sign-on/saml`,
        {
          displayName: 'Bluebell SAML',
          idpEntityId: bluebell.entityId,
          ssoUrl: bluebell.ssoUrl,
          signingCertificate: bluebell.certificate,
          emailAttribute: 'email',
          wantAssertionsSigned: 'on',
          allowIdpInitiated: 'on',
        },
        303,
      );
      bluebellHref = String(second.headers.location).split('?')[0]!;
      await bind(northwindHref, northwindId, 'northwind.test');
      await bind(bluebellHref, bluebellId, 'bluebell.test');
      const page = await staff.get(northwindHref).expect(200);
      expect(page.text).to.contain('Northwind Traders').and.contain(northwind.entityId).and.contain('Second signing certificate');
    });

    it('refuse metadata that is not an identity provider’s, and a form without metadata or fields (400, with what was typed)', async function () {
      const notMetadata = await staffPost(
        `${ADMIN}/single-sign-on/new-saml`,
        `${ADMIN}/single-sign-on/saml`,
        { displayName: 'Broken', metadataXml: '<html>not metadata</html>', emailAttribute: 'email' },
        400,
      );
      expect(notMetadata.text).to.contain('This is not the SAML metadata of an identity provider').and.contain('Broken');
      const empty = await staffPost(
        `${ADMIN}/single-sign-on/new-saml`,
        `${ADMIN}/single-sign-on/saml`,
        { displayName: 'Empty', emailAttribute: 'email', signingCertificate: 'not a certificate' },
        400,
      );
      expect(empty.text)
        .to.contain('Enter the identity provider’s entity id')
        .and.contain('Paste the identity provider’s signing certificate');
    });

    it('read the metadata from its address when given one', async function () {
      const third = startSamlIdp({ entityId: 'https://idp.third.test/saml' });
      const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(third.metadata));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const metadataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
      try {
        const created = await staffPost(
          `${ADMIN}/single-sign-on/new-saml`,
          `${ADMIN}/single-sign-on/saml`,
          { displayName: 'Third by address', metadataUrl, emailAttribute: 'email', wantAssertionsSigned: 'on' },
          303,
        );
        const id = String(created.headers.location).split('?')[0]!.split('/').pop()!;
        const settings = await h.crm.db('portal_sso_saml_settings').where({ workspace_id: workspaceId, provider_id: id }).first();
        expect(settings).to.include({
          idp_entity_id: third.entityId,
          sso_url: third.ssoUrl,
          metadata_url: metadataUrl,
          allow_idp_initiated: false,
        });
        await staffPost(`${ADMIN}/single-sign-on/${id}`, `${ADMIN}/single-sign-on/${id}/disable`, {}, 303);
      } finally {
        server.close();
      }
    });

    it('forty identical new providers at once: one saved, the rest refused (the identity provider is taken), no 5xx', async function () {
      const fourth = startSamlIdp({ entityId: 'https://idp.fourth.test/saml' });
      const page = await staff.get(`${ADMIN}/single-sign-on/new-saml`).expect(200);
      const form = {
        _csrf: csrfFrom(page.text),
        displayName: 'Fourth',
        metadataXml: fourth.metadata,
        emailAttribute: 'email',
        wantAssertionsSigned: 'on',
      };
      const results = await Promise.all(
        Array.from({ length: 40 }, () => staff.post(`${ADMIN}/single-sign-on/saml`).type('form').send(form)),
      );
      expect(results.filter((res) => res.status >= 500)).to.have.length(0);
      expect(results.filter((res) => res.status === 303)).to.have.length(1);
      const refused = results.filter((res) => res.status === 400);
      expect(refused).to.have.length(39);
      expect(refused[0]!.text).to.contain('already signs in with this identity provider');
      const rows = await h.crm.db('portal_sso_saml_settings').where({ workspace_id: workspaceId, idp_entity_id: fourth.entityId });
      expect(rows).to.have.length(1);
      const href = `${ADMIN}/single-sign-on/${rows[0].provider_id}`;
      await staffPost(href, `${href}/disable`, {}, 303);
    });

    it('refuse pasted metadata past its limit with what was typed (400), and a form past the staff limit with 413', async function () {
      const page = await staff.get(`${ADMIN}/single-sign-on/new-saml`).expect(200);
      const res = await staff
        .post(`${ADMIN}/single-sign-on/saml`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), displayName: 'Big', metadataXml: 'x'.repeat(30 * 1024 + 1), emailAttribute: 'email' });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('The metadata is too long').and.contain('Big');
      const past = await staff
        .post(`${ADMIN}/single-sign-on/saml`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), displayName: 'Bigger', metadataXml: 'x'.repeat(40 * 1024), emailAttribute: 'email' });
      // Past the staff pages' 32 KB form limit: the admin router's own page says so.
      expect(past.status).to.equal(413);
      expect(past.text).to.contain('That form was too large');
    });

    it('are an admin’s: a workspace member is refused', async function () {
      const member = await signedInStaffAgent(h, 'demo', 'member');
      const res = await member.get(`${ADMIN}/single-sign-on/new-saml`);
      expect(res.status).to.equal(403);
    });
  });

  describe('signing in', function () {
    it('shows the provider’s button; started at the portal, the answer to its AuthnRequest signs in', async function () {
      const agent = h.agent();
      const page = await agent.get(`${PORTAL}/sign-in`).expect(200);
      expect(page.text).to.contain('Sign in with Northwind SAML');
      const start = await agent
        .post(`${PORTAL}/sign-in/sso`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), providerId: northwindProviderId })
        .expect(204);
      const redirect = String(start.headers['hx-redirect']);
      expect(redirect.startsWith(`${northwind.ssoUrl}?SAMLRequest=`)).to.equal(true);
      const requestId = await northwind.readRequest(redirect);
      expect(await h.crm.db('portal_sso_saml_requests').where({ workspace_id: workspaceId, request_id: requestId })).to.have.length(1);
      await expectSignedIn(agent, await answer(northwind, { inResponseTo: requestId }));
      // The request is answered once: gone.
      expect(await h.crm.db('portal_sso_saml_requests').where({ workspace_id: workspaceId, request_id: requestId })).to.have.length(0);
    });

    it('also starts from the email’s domain', async function () {
      const agent = h.agent();
      const page = await agent.get(`${PORTAL}/sign-in`).expect(200);
      const start = await agent
        .post(`${PORTAL}/sign-in/sso`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: 'olivia@northwind.test' })
        .expect(204);
      const requestId = await northwind.readRequest(String(start.headers['hx-redirect']));
      await expectSignedIn(agent, await answer(northwind, { inResponseTo: requestId, email: 'olivia@northwind.test' }), 'Olivia');
    });

    it('signs in started at the identity provider (no InResponseTo); signing out offers no provider sign-out', async function () {
      const agent = h.agent();
      await expectSignedIn(agent, await answer(northwind));
      const home = await agent.get(`${PORTAL}/`).expect(200);
      const out = await agent
        .post(`${PORTAL}/sign-out`)
        .type('form')
        .send({ _csrf: csrfFrom(home.text) })
        .expect(303);
      const signedOut = await agent.get(String(out.headers.location)).expect(200);
      expect(signedOut.text).to.contain('Sign in with Northwind SAML').and.not.contain('Also sign out of');
    });

    it('refuses an answer nobody asked for where the provider does not allow IdP-initiated sign-in, and still takes answers to its requests', async function () {
      const page = await staff.get(northwindHref).expect(200);
      const form = {
        displayName: 'Northwind SAML',
        idpEntityId: northwind.entityId,
        ssoUrl: northwind.ssoUrl,
        signingCertificate: northwind.certificate,
        emailAttribute: 'email',
        wantAssertionsSigned: 'on',
      };
      await staff
        .post(`${northwindHref}/saml`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), ...form })
        .expect(303);
      try {
        await expectRefused(await answer(northwind), 'unsolicited');
        const agent = h.agent();
        const signIn = await agent.get(`${PORTAL}/sign-in`).expect(200);
        const start = await agent
          .post(`${PORTAL}/sign-in/sso`)
          .set('HX-Request', 'true')
          .type('form')
          .send({ _csrf: csrfFrom(signIn.text), providerId: northwindProviderId })
          .expect(204);
        const requestId = await northwind.readRequest(String(start.headers['hx-redirect']));
        await expectSignedIn(agent, await answer(northwind, { inResponseTo: requestId }));
      } finally {
        const again = await staff.get(northwindHref).expect(200);
        await staff
          .post(`${northwindHref}/saml`)
          .type('form')
          .send({ _csrf: csrfFrom(again.text), ...form, allowIdpInitiated: 'on' })
          .expect(303);
      }
    });

    it('accepts an encrypted assertion', async function () {
      const response = await answer(northwind, { encrypt: true });
      const xml = Buffer.from(response, 'base64').toString('utf8');
      expect(xml).to.contain('EncryptedAssertion').and.not.contain('maria@northwind.test');
      await expectSignedIn(h.agent(), response);
    });

    it('finishes a sign-in started at the portal only in the browser that started it', async function () {
      const starter = h.agent();
      const page = await starter.get(`${PORTAL}/sign-in`).expect(200);
      const start = await starter
        .post(`${PORTAL}/sign-in/sso`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), providerId: northwindProviderId })
        .expect(204);
      const requestId = await northwind.readRequest(String(start.headers['hx-redirect']));
      // Someone else's browser receives the answer (the link carried over): accepted by the
      // consumer service, refused at the last step, in the session.
      const { refused, res } = await deliver(h.agent(), await answer(northwind, { inResponseTo: requestId }));
      expect(refused).to.equal(false);
      expect(res.status).to.equal(303);
      expect(String(res.headers.location)).to.contain('/sign-in/sso/refused?reason=expired');
      expect(await lastReason()).to.equal('other_browser');
      await starter.get(`${PORTAL}/`).expect(303);
    });

    it('refuses an answer to a request it never sent, or one already answered', async function () {
      await expectRefused(await answer(northwind, { inResponseTo: '_never-sent' }), 'unknown_request');
    });
  });

  describe('refusals, each with its reason in the log', function () {
    it('a replayed assertion', async function () {
      const response = await answer(northwind);
      await expectSignedIn(h.agent(), response);
      await expectRefused(response, 'replayed');
    });

    it('an unsigned response, and a response signed without its assertion being signed', async function () {
      await expectRefused(await answer(northwind, { unsigned: true }), 'unsigned');
      await expectRefused(await answer(northwind, { responseSignedOnly: true }), 'unsigned_assertion');
    });

    it('an assertion for another service provider (audience)', async function () {
      await expectRefused(await answer(northwind, { audience: 'https://elsewhere.test/saml/metadata' }), 'wrong_audience');
    });

    it('an assertion addressed to another consumer service (recipient), or a response to another destination', async function () {
      await expectRefused(await answer(northwind, { recipient: 'https://elsewhere.test/saml/acs' }), 'wrong_recipient');
      await expectRefused(await answer(northwind, { destination: 'https://elsewhere.test/saml/acs' }), 'wrong_recipient');
    });

    it('an expired assertion (past its end by more than the allowed skew)', async function () {
      await expectRefused(await answer(northwind, { endsInMinutes: -5 }), 'expired');
    });

    it('an assertion in Northwind’s name signed by another company’s provider', async function () {
      await expectRefused(await answer(bluebell, { issuer: northwind.entityId }), 'bad_signature');
    });

    it('a Northwind person signed in by Bluebell’s own provider (another company’s)', async function () {
      await expectRefused(await answer(bluebell), 'other_company');
    });

    it('an email no client account has', async function () {
      await expectRefused(await answer(northwind, { email: 'nobody@northwind.test' }), 'no_account');
    });

    it('a response that is not SAML, and a continue token that is not one', async function () {
      await expectRefused(Buffer.from('<html/>').toString('base64'), 'not_saml');
      const res = await continueFrom(h.agent(), `${PORTAL}/sign-in/sso/saml/continue?handoff=${'a'.repeat(43)}`);
      expect(res.status).to.equal(303);
      expect(String(res.headers.location)).to.contain('/sign-in/sso/refused?reason=expired');
      expect(await lastReason()).to.equal('handoff_unknown');
    });
  });

  describe('certificate rollover', function () {
    it('accepts the old and the new certificate while both are saved, and only the new one after', async function () {
      const renewed = startSamlIdp({ entityId: northwind.entityId, key: keyPairWithCertificate('northwind renewed') });
      const save = (second: string, first = northwind.certificate) =>
        staffPost(
          northwindHref,
          `${northwindHref}/saml`,
          {
            displayName: 'Northwind SAML',
            idpEntityId: northwind.entityId,
            ssoUrl: northwind.ssoUrl,
            signingCertificate: first,
            secondSigningCertificate: second,
            emailAttribute: 'email',
            wantAssertionsSigned: 'on',
            allowIdpInitiated: 'on',
          },
          303,
        );
      await expectRefused(await answer(renewed), 'bad_signature');
      await save(renewed.certificate);
      await expectSignedIn(h.agent(), await answer(northwind));
      await expectSignedIn(h.agent(), await answer(renewed));
      await save('', renewed.certificate);
      await expectRefused(await answer(northwind), 'bad_signature');
      await expectSignedIn(h.agent(), await answer(renewed));
      await save('', northwind.certificate);
    });
  });

  describe('single sign-on only', function () {
    before(async function () {
      await bind(northwindHref, northwindId, 'northwind.test', { signInMode: 'sso_only' });
    });
    after(async function () {
      await bind(northwindHref, northwindId, 'northwind.test');
    });

    it('refuses the password of that company’s people, and still signs them in through SAML', async function () {
      const res = await postPasswordSignIn(h.agent(), 'demo', login('maria@northwind.test'));
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('Sign in with Northwind SAML');
      await expectSignedIn(h.agent(), await answer(northwind));
    });
  });

  describe('at once and at the limits', function () {
    beforeEach(async function () {
      await h.crm.db('portal_rate_limits').whereLike('key', 'saml:%').delete();
    });

    it('forty identical posts of one assertion: one sign-in, the rest refused as replayed, no 5xx', async function () {
      this.timeout(60_000);
      const response = await answer(northwind);
      const agents = Array.from({ length: 40 }, () => h.agent());
      const before = await h.crm.db('client_activity_logs').where({ workspace_id: workspaceId, event: 'sign_in.failed' }).count({ n: '*' });
      const results = await Promise.all(agents.map((agent) => postAcs(agent, response)));
      expect(results.filter((res) => res.status >= 500)).to.have.length(0);
      const accepted = results.filter((res) => String(res.headers.location).includes('/saml/continue'));
      const refused = results.filter((res) => String(res.headers.location).includes('/sign-in/sso/refused'));
      expect(accepted).to.have.length(1);
      expect(refused).to.have.length(39);
      const after = await h.crm
        .db('client_activity_logs')
        .where({ workspace_id: workspaceId, event: 'sign_in.failed' })
        .whereRaw("details->>'reason' = 'replayed'")
        .count({ n: '*' });
      expect(Number(after[0]!.n)).to.be.at.least(39);
      expect(Number(before[0]!.n)).to.be.a('number');
      const winner = agents[results.indexOf(accepted[0]!)]!;
      const done = await continueFrom(winner, String(accepted[0]!.headers.location));
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal(`${PORTAL}/`);
      // The token is used once.
      const again = await continueFrom(h.agent(), String(accepted[0]!.headers.location));
      expect(String(again.headers.location)).to.contain('/sign-in/sso/refused');
    });

    it('a body past the size limit is a clear 413; one just under it is refused as not SAML', async function () {
      const tooLarge = await postAcs(h.agent(), 'A'.repeat(100 * 1024));
      expect(tooLarge.status).to.equal(413);
      expect(tooLarge.text).to.contain('too large to read');
      const near = await postAcs(h.agent(), Buffer.from(`<x>${'a'.repeat(60 * 1024)}</x>`).toString('base64'));
      expect(near.status).to.equal(303);
      expect(String(near.headers.location)).to.contain('/sign-in/sso/refused?reason=failed');
      await h.agent().get(String(near.headers.location)).expect(400);
    });

    it('limits the consumer service per address: 429 with Retry-After', async function () {
      const garbage = Buffer.from('<html/>').toString('base64');
      for (let i = 0; i < 60; i++) expect((await postAcs(h.agent(), garbage)).status).to.equal(303);
      const limited = await postAcs(h.agent(), garbage);
      expect(limited.status).to.equal(429);
      expect(limited.headers['retry-after']).to.match(/^\d+$/);
    });
  });

  describe('query budgets', function () {
    async function expectBudget(what: string, budget: number, action: () => Promise<unknown>) {
      const counter = countQueries();
      try {
        const counted = await counter.measure(action);
        expect(counted.count, describeQueries(what, counted)).to.equal(budget);
        expectEachNamesItsWorkspace(counted.sql, what);
      } finally {
        counter.stop();
      }
    }

    it('the metadata, an accepted answer and its continue page: each its own few statements', async function () {
      await h.crm.db('portal_rate_limits').whereLike('key', 'saml:%').delete();
      await expectBudget('GET metadata', METADATA_BUDGET, () => h.agent().get(`${PORTAL}/saml/metadata`).expect(200));
      const agent = h.agent();
      const response = await answer(northwind);
      let location = '';
      await expectBudget('POST acs', ACS_BUDGET, async () => {
        location = String((await postAcs(agent, response).expect(303)).headers.location);
      });
      const page = await agent.get(location).expect(200);
      await expectBudget('POST continue', CONTINUE_BUDGET, () =>
        agent
          .post(`${PORTAL}/sign-in/sso/saml/continue`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), handoff: new URL(location, 'http://portal.test').searchParams.get('handoff')! })
          .expect(303),
      );
    });
  });

  describe('production', function () {
    it('refuses a response whose assertion is not signed itself, whatever the provider’s setting says', async function () {
      const sp = {
        entityId: 'https://portal.test/portal/demo/saml/metadata',
        acsUrl: 'https://portal.test/portal/demo/saml/acs',
        ...keyPairWithCertificate('sp'),
      };
      const idpMetadata = createSamlProtocol({ production: false }).metadata(sp);
      const settings = {
        provider_id: 'p',
        idp_entity_id: northwind.entityId,
        sso_url: northwind.ssoUrl,
        signing_certificates: [northwind.certificate],
        metadata_url: null,
        metadata_xml: null,
        want_assertions_signed: false,
        allow_idp_initiated: true,
        email_attribute: 'email',
      };
      const response = await northwind.answer(idpMetadata, { email: 'maria@northwind.test', responseSignedOnly: true });
      const envelope = readEnvelope(response)!;
      const outside = await createSamlProtocol({ production: false }).verify(sp, settings, response, envelope);
      expect(outside.ok).to.equal(true);
      const production = await createSamlProtocol({ production: true }).verify(sp, settings, response, envelope);
      expect(production).to.deep.include({ ok: false, reason: 'unsigned_assertion' });
    });
  });
});
