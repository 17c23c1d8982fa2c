// Forty identical forms at once on the agency's sign-in settings a burst had not been tried on:
// directory provisioning's token revoke, company settings, group-role mapping and its removal,
// and the SAML provider's save. Staff forms of one session are answered in turn (the CRM's one
// write per session), so the forty come from four tabs of the same admin, signed in four times,
// ten each: four at a time reach the database. Each burst: no 5xx; every answer the form's own
// 303; exactly one effect (one revoke and its one log entry, one row of settings, one mapping,
// each member's role changed and logged once, one provider); and no request left waiting for a
// pooled connection. A form just under the admin pages' 32 KB limit gets the route's own answer;
// one just over it a 413 in words.
import { expect } from 'chai';
import type { Response } from 'supertest';
import { atOnce, expectNoConnectionWaiting, expectStatuses, paddedForm } from '../support/bursts.ts';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { keyPairWithCertificate, startSamlIdp } from '../../src/features/single-sign-on/test/saml-identity-provider.ts';

type Agent = ReturnType<PortalHarness['agent']>;

/** The admin pages' form limit (admin-router.ts). */
const STAFF_FORM_LIMIT = 32 * 1024;
const ADMIN = '/settings/client-portal';
const TABS = 4;
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe('bursts and large forms on the agency’s directory provisioning and SAML pages', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let workspaceId: string;
  let northwindId: string;
  let tabs: Agent[];
  let company: string;

  const db = () => h.crm.db;
  /** Each tab's CSRF token, from the page the form is on. */
  const tokensOn = (page: string) => Promise.all(tabs.map(async (tab) => csrfFrom((await tab.get(page).expect(200)).text)));
  /** The form sent forty times at once, from the four tabs in turn. */
  async function fromTabs(page: string, action: string, form: Record<string, string>): Promise<Response[]> {
    const tokens = await tokensOn(page);
    return atOnce((i) =>
      tabs[i % TABS]!.post(action)
        .type('form')
        .send({ ...form, _csrf: tokens[i % TABS]! }),
    );
  }
  /** Every answer the form's own redirect. */
  const each303To = (answers: Response[], location: string) => {
    expectStatuses(answers, [303]);
    expect(answers.filter((answer) => answer.headers.location !== location)).to.deep.equal([]);
  };
  /** Near the limit the route's own answer; just past it a 413 that says so. */
  async function nearAndPast(page: string, action: string, form: Record<string, string>, status: number) {
    const [token] = await tokensOn(page);
    const near = await tabs[0]!
      .post(action)
      .type('form')
      .send(paddedForm({ ...form, _csrf: token! }, 'note', STAFF_FORM_LIMIT - 200));
    expect(near.status, near.text.slice(0, 200)).to.equal(status);
    const past = await tabs[0]!
      .post(action)
      .type('form')
      .send(paddedForm({ ...form, _csrf: token! }, 'note', STAFF_FORM_LIMIT + 200));
    expect(past.status).to.equal(413);
    expect(past.text)
      .to.contain('That form was too large')
      .and.not.match(/\bat \w+ \(/);
  }
  const eventsOf = async (event: string, clientUserId: string) =>
    Number(
      (await db()('client_activity_logs').where({ workspace_id: workspaceId, event, client_user_id: clientUserId }).count({ n: '*' }))[0]!
        .n,
    );
  const roleOf = async (id: string) => (await db()('client_users').where({ workspace_id: workspaceId, id }).first('role')).role as string;

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo'] });
    workspaceId = String((await db()('workspaces').where({ slug: 'demo' }).first('id')).id);
    northwindId = String((await db()('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    tabs = await Promise.all(Array.from({ length: TABS }, () => signedInStaffAgent(h, 'demo')));
    company = `${ADMIN}/directory-provisioning/${northwindId}`;
  });
  after(async function () {
    await h?.close();
  });

  describe('directory provisioning', function () {
    let scimToken: string;
    let scimBase: string;

    /** A token made on the company's page, as the agency makes one: its value and its id. */
    async function newToken(): Promise<{ value: string; id: string }> {
      const page = await tabs[0]!.get(company).expect(200);
      const formId = /name="formId" value="([^"]+)"/.exec(page.text)![1]!;
      const created = await tabs[0]!
        .post(`${company}/tokens`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), formId })
        .expect(303);
      const value = /data-scim-token>([^<]+)</.exec((await tabs[0]!.get(String(created.headers.location)).expect(200)).text)![1]!;
      const row = await db()('portal_scim_tokens')
        .where({ workspace_id: workspaceId, prefix: value.slice(0, 8) })
        .first('id');
      scimBase ??= new URL(/data-scim-base>([^<]+)</.exec(page.text)![1]!).pathname;
      return { value, id: String(row.id) };
    }
    const scim = (method: 'post', path: string, body: unknown) =>
      h
        .agent()
        [method](`${scimBase}${path}`)
        .set('Authorization', `Bearer ${scimToken}`)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body));

    before(async function () {
      scimToken = (await newToken()).value;
    });

    it('POST …/tokens/:tokenId/revoke: forty revokes of one token revoke it once, logged once, each the same 303', async function () {
      const spare = await newToken();
      const action = `${company}/tokens/${spare.id}/revoke`;
      each303To(await fromTabs(company, action, {}), `${company}?notice=revoked`);
      const row = await db()('portal_scim_tokens').where({ workspace_id: workspaceId, id: spare.id }).first('revoked_at');
      expect(row.revoked_at).to.be.an.instanceOf(Date);
      const logged = await db()('client_activity_logs')
        .where({ workspace_id: workspaceId, event: 'directory.token_revoked' })
        .whereRaw("details->>'tokenId' = ?", [spare.id]);
      expect(logged).to.have.length(1);
      expectNoConnectionWaiting(h);
      // The token stays revoked: its next request is refused.
      await h.agent().get(`${scimBase}/Users`).set('Authorization', `Bearer ${spare.value}`).expect(401);
      await nearAndPast(company, action, {}, 303);
    });

    it('POST …/settings: forty saves of one form keep one row of settings, each the same 303', async function () {
      const action = `${company}/settings`;
      const form = { defaultRole: 'member', createContacts: 'on' };
      each303To(await fromTabs(company, action, form), `${company}?notice=saved`);
      expect(
        await db()('portal_scim_companies')
          .where({ workspace_id: workspaceId, client_id: northwindId })
          .select('default_role', 'create_contacts'),
      ).to.deep.equal([{ default_role: 'member', create_contacts: true }]);
      expectNoConnectionWaiting(h);
      await nearAndPast(company, action, form, 303);
    });

    describe('group roles, with a group of two people', function () {
      let people: string[];

      before(async function () {
        // The company's provisioning may create contacts (the settings test above saved it so).
        people = [];
        for (const [email, givenName] of [
          ['team.one@northwind.test', 'Tia'],
          ['team.two@northwind.test', 'Theo'],
        ] as const) {
          const created = await scim('post', '/Users', {
            schemas: [CORE_USER],
            userName: email,
            name: { givenName, familyName: 'Team' },
            active: true,
          });
          expect(created.status, created.text).to.equal(201);
          people.push(String(JSON.parse(created.text).id));
        }
        const group = await scim('post', '/Groups', {
          schemas: [GROUP],
          displayName: 'Burst Team',
          members: people.map((value) => ({ value })),
        });
        expect(group.status, group.text).to.equal(201);
        // Another group's mapping stays: with it, a person in no mapped group has the default role.
        const [token] = await tokensOn(company);
        await tabs[0]!
          .post(`${company}/group-roles`)
          .type('form')
          .send({ _csrf: token!, groupName: 'Another group', role: 'full' })
          .expect(303);
      });

      it('POST …/group-roles: forty saves of one mapping: one mapping, each member’s role changed and logged once', async function () {
        const action = `${company}/group-roles`;
        const form = { groupName: 'Burst Team', role: 'billing' };
        const before = await Promise.all(people.map((id) => eventsOf('directory.person_updated', id)));
        each303To(await fromTabs(company, action, form), `${company}?notice=mapped`);
        expect(
          await db()('portal_scim_group_roles')
            .where({ workspace_id: workspaceId, client_id: northwindId, group_name: 'burst team' })
            .select('role'),
        ).to.deep.equal([{ role: 'billing' }]);
        for (const [i, id] of people.entries()) {
          expect(await roleOf(id)).to.equal('billing');
          expect(await eventsOf('directory.person_updated', id), `role changes of person ${i + 1}`).to.equal(before[i]! + 1);
        }
        expectNoConnectionWaiting(h);
        await nearAndPast(company, action, form, 303);
      });

      it('POST …/group-roles/remove: forty removals: the mapping gone, each member’s role back and logged once', async function () {
        const action = `${company}/group-roles/remove`;
        const form = { groupName: 'Burst Team' };
        const before = await Promise.all(people.map((id) => eventsOf('directory.person_updated', id)));
        each303To(await fromTabs(company, action, form), `${company}?notice=unmapped`);
        expect(
          await db()('portal_scim_group_roles').where({ workspace_id: workspaceId, client_id: northwindId, group_name: 'burst team' }),
        ).to.have.length(0);
        for (const [i, id] of people.entries()) {
          expect(await roleOf(id)).to.equal('member');
          expect(await eventsOf('directory.person_updated', id), `role changes of person ${i + 1}`).to.equal(before[i]! + 1);
        }
        expectNoConnectionWaiting(h);
        await nearAndPast(company, action, form, 303);
      });
    });
  });

  describe('single sign-on', function () {
    it('POST /single-sign-on/:providerId/saml: forty saves of one form: one provider, its settings as sent, each the same 303', async function () {
      const idp = startSamlIdp({ entityId: 'https://idp.staff-burst.test/saml' });
      const renewed = keyPairWithCertificate('staff burst renewed');
      const [token] = await tokensOn(`${ADMIN}/single-sign-on/new-saml`);
      const created = await tabs[0]!
        .post(`${ADMIN}/single-sign-on/saml`)
        .type('form')
        .send({ _csrf: token!, displayName: 'Burst SAML', metadataXml: idp.metadata, emailAttribute: 'email', wantAssertionsSigned: 'on' })
        .expect(303);
      const href = String(created.headers.location).split('?')[0]!;
      const providerId = href.split('/').pop()!;
      const form = {
        displayName: 'Burst SAML, renamed',
        idpEntityId: idp.entityId,
        ssoUrl: idp.ssoUrl,
        signingCertificate: idp.certificate,
        secondSigningCertificate: renewed.certificate,
        emailAttribute: 'mail',
        wantAssertionsSigned: 'on',
        allowIdpInitiated: 'on',
      };
      each303To(await fromTabs(href, `${href}/saml`, form), `${href}?notice=saved`);
      const providers = await db()('portal_sso_providers')
        .where({ workspace_id: workspaceId, issuer_url: idp.entityId })
        .select('id', 'display_name');
      expect(providers).to.deep.equal([{ id: providerId, display_name: 'Burst SAML, renamed' }]);
      const settings = await db()('portal_sso_saml_settings').where({ workspace_id: workspaceId, provider_id: providerId });
      expect(settings).to.have.length(1);
      expect(settings[0]).to.include({ email_attribute: 'mail', allow_idp_initiated: true });
      expect(settings[0].signing_certificates).to.have.length(2);
      expectNoConnectionWaiting(h);
      await nearAndPast(href, `${href}/saml`, form, 303);
    });
  });
});
