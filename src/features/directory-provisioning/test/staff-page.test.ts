// The agency's directory provisioning pages over HTTP: a token is shown once on the page the form
// leads to and kept only as its hash; the same form sent forty times at once makes one token;
// revoking and the company's settings go back to the page (post/redirect/get); refused forms say
// why (400) and keep the page; a form past the size limit is refused (413); a workspace member,
// another workspace's company and an unknown token are refused.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

const ADMIN = '/settings/client-portal';
type Agent = ReturnType<PortalHarness['agent']>;

describe('directory provisioning staff pages', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let staff: Agent;
  let workspaceId: string;
  let northwindId: string;
  let page: string;

  const formIdIn = (html: string) => /name="formId" value="([^"]+)"/.exec(html)![1]!;
  const tokens = () => h.crm.db('portal_scim_tokens').where({ workspace_id: workspaceId, client_id: northwindId });

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    northwindId = String((await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    staff = await signedInStaffAgent(h, 'demo');
    page = `${ADMIN}/directory-provisioning/${northwindId}`;
  });
  after(async function () {
    await h?.close();
  });

  it('lists the companies and opens the chosen one’s page; linked from the single sign-on page', async function () {
    const list = await staff.get(`${ADMIN}/directory-provisioning`).expect(200);
    expect(list.text).to.contain('Northwind Traders').and.contain('name="client"');
    const chosen = await staff.get(`${ADMIN}/directory-provisioning?client=${northwindId}`).expect(303);
    expect(chosen.headers.location).to.equal(page);
    const company = await staff.get(page).expect(200);
    expect(company.text).to.contain('/portal/demo/scim/v2').and.contain('No token yet.');
    const sso = await staff.get(`${ADMIN}/single-sign-on`).expect(200);
    expect(sso.text).to.contain(`${ADMIN}/directory-provisioning`);
  });

  it('shows a new token once, keeps only its hash, and logs who created it', async function () {
    const form = await staff.get(page).expect(200);
    const created = await staff
      .post(`${page}/tokens`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), formId: formIdIn(form.text) })
      .expect(303);
    expect(created.headers.location).to.equal(`${page}?notice=created`);
    const shown = await staff.get(String(created.headers.location)).expect(200);
    const token = /data-scim-token>([^<]+)</.exec(shown.text)![1]!;
    expect(Buffer.from(token, 'base64url')).to.have.length(32);
    const [row] = await tokens();
    expect(row.token_hash).to.equal(createHash('sha256').update(token).digest('hex'));
    expect(row.prefix).to.equal(token.slice(0, 8));
    expect(JSON.stringify(row)).not.to.contain(token);
    expect(shown.text).to.contain(`${token.slice(0, 8)}…`);
    // Shown once: a reload shows the prefix only, and nothing waits sealed any more.
    const again = await staff.get(String(created.headers.location)).expect(200);
    expect(again.text).not.to.contain(token).and.not.to.contain('data-scim-token');
    expect(await h.crm.db('portal_scim_token_reveals').where({ workspace_id: workspaceId })).to.have.length(0);
    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: workspaceId, event: 'directory.token_created' }).first();
    expect(logged.details).to.include({ tokenId: row.id });
    expect(logged.details.staffName).to.be.a('string').and.not.equal('');
  });

  it('makes one token of the same form sent forty times at once, none failing', async function () {
    const before = (await tokens()).length;
    const form = await staff.get(page).expect(200);
    const body = { _csrf: csrfFrom(form.text), formId: formIdIn(form.text) };
    const answers = await Promise.all(Array.from({ length: 40 }, () => staff.post(`${page}/tokens`).type('form').send(body)));
    expect(answers.map((res) => res.status)).to.deep.equal(Array(40).fill(303));
    expect(await tokens()).to.have.length(before + 1);
    // The page shows it once, whichever answer the browser followed.
    await staff.get(page).expect(200);
  });

  it('revokes a token (post/redirect/get), and a second revoke leads to the same page', async function () {
    const [row] = await tokens().whereNull('revoked_at').limit(1);
    const form = await staff.get(page).expect(200);
    for (let i = 0; i < 2; i++) {
      const res = await staff
        .post(`${page}/tokens/${row.id}/revoke`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text) })
        .expect(303);
      expect(res.headers.location).to.equal(`${page}?notice=revoked`);
    }
    expect((await tokens().where({ id: row.id }).first()).revoked_at).to.be.instanceOf(Date);
    const shown = await staff.get(`${page}?notice=revoked`).expect(200);
    expect(shown.text).to.contain('Revoked');
    await staff
      .post(`${page}/tokens/00000000-0000-4000-8000-000000000000/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text) })
      .expect(404);
  });

  it('saves what provisioning gives new people, and refuses an unknown role with a message (400)', async function () {
    const form = await staff.get(page).expect(200);
    await staff
      .post(`${page}/settings`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), defaultRole: 'billing', createContacts: 'on' })
      .expect(303);
    const saved = await h.crm.db('portal_scim_companies').where({ workspace_id: workspaceId, client_id: northwindId }).first();
    expect(saved).to.include({ default_role: 'billing', create_contacts: true });
    const shown = await staff.get(page).expect(200);
    expect(shown.text).to.match(/<option value="billing" selected>/);
    const refused = await staff
      .post(`${page}/settings`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), defaultRole: 'owner' })
      .expect(400);
    expect(refused.text).to.contain('Choose one of the roles shown.');
    // Without a CSRF token nothing is saved.
    await staff.post(`${page}/settings`).type('form').send({ defaultRole: 'admin' }).expect(403);
    expect(
      (await h.crm.db('portal_scim_companies').where({ workspace_id: workspaceId, client_id: northwindId }).first()).default_role,
    ).to.equal('billing');
  });

  it('maps a directory group to a role and removes it (post/redirect/get); an empty name is refused (400)', async function () {
    const form = await staff.get(page).expect(200);
    const mapped = await staff
      .post(`${page}/group-roles`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), groupName: 'Portal Admins', role: 'admin' })
      .expect(303);
    expect(mapped.headers.location).to.equal(`${page}?notice=mapped`);
    expect(await h.crm.db('portal_scim_group_roles').where({ workspace_id: workspaceId, client_id: northwindId })).to.deep.equal([
      { workspace_id: workspaceId, client_id: northwindId, group_name: 'portal admins', role: 'admin' },
    ]);
    const shown = await staff.get(`${page}?notice=mapped`).expect(200);
    expect(shown.text).to.contain('portal admins').and.contain('Client admin');
    const refused = await staff
      .post(`${page}/group-roles`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), groupName: '  ', role: 'admin' })
      .expect(400);
    expect(refused.text).to.contain('Enter the group’s name, up to 255 characters.');
    await staff
      .post(`${page}/group-roles/remove`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), groupName: 'Portal Admins' })
      .expect(303);
    expect(await h.crm.db('portal_scim_group_roles').where({ workspace_id: workspaceId, client_id: northwindId })).to.have.length(0);
  });

  it('answers a form near the size limit with a message (400) and one past it with 413', async function () {
    const form = await staff.get(page).expect(200);
    const near = await staff
      .post(`${page}/tokens`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), formId: 'x'.repeat(30_000) })
      .expect(400);
    expect(near.text).to.contain('The form was out of date.');
    await staff
      .post(`${page}/tokens`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), formId: 'x'.repeat(40_000) })
      .expect(413);
  });

  it('are an admin’s; another workspace’s company is not found', async function () {
    const member = await signedInStaffAgent(h, 'demo', 'member');
    await member.get(`${ADMIN}/directory-provisioning`).expect(403);
    await member.get(page).expect(403);
    const acme = await signedInStaffAgent(h, 'acme');
    await acme.get(page).expect(404);
    const form = await acme.get(`${ADMIN}/directory-provisioning`).expect(200);
    await acme
      .post(`${page}/tokens`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), formId: '00000000-0000-4000-8000-000000000001' })
      .expect(404);
    expect(await tokens().where({ form_id: '00000000-0000-4000-8000-000000000001' })).to.have.length(0);
  });
});
