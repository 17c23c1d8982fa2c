// A client admin's team page on the reference CRM: Maria García, made Northwind's client admin,
// sees her company's contacts (and no one else's), invites Tom Becker (an invitation email naming
// her and Northwind, not the agency), gives him the Billing role, cannot demote herself while she
// is the last client admin nor disable herself, disables Tom after a confirmation (his sessions
// end), and reaches no one of another company. Every change is in the activity log and in the
// agency's notifications. She asks the agency for a colleague who is not a contact yet: staff add
// and invite her, or decline with a reason, and Maria reads the answer on the page and by email.
// Bad input gets words; the page speaks German to a German reader.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  postFormFrom,
} from '../../../../test/support/portal-harness.ts';

const TEAM = '/portal/demo/team';
const ADMIN = '/settings/client-portal';

describe('team page for client admins', function () {
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let maria: { id: string; client_id: string };
  let login: { email: string; password: string };
  let agent: Awaited<ReturnType<typeof signedInAgent>>;

  const tom = async () => {
    const [contact] = await h.crm.adapter.contacts.findByEmail(workspaceId, 'tom@northwind.test');
    return contact!;
  };
  const tomUser = async () =>
    db('client_users')
      .where({ workspace_id: workspaceId, contact_id: (await tom()).id })
      .first('id', 'role', 'status');

  const post = (path: string, form: Record<string, string>, status: number) => postFormFrom(agent, TEAM, path, form, status);

  before(async function () {
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    const found = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    login = { email: found.email, password: found.password };
    maria = await db('client_users').where({ workspace_id: workspaceId, email: login.email }).first('id', 'client_id');
    await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).update({ role: 'admin' });
    // The demo's own Northwind client admin steps down, so Maria is the company's one client admin,
    // the one the last-admin rule keeps.
    await db('client_users').where({ workspace_id: workspaceId, email: 'olivia@northwind.test' }).update({ role: 'member' });
    agent = await signedInAgent(h.agent(), 'demo', login);
  });
  after(async function () {
    await h?.close();
  });

  it('lists the company’s contacts with status, role and last sign-in, and links to it for client admins only', async function () {
    const page = await agent.get(TEAM).expect(200);
    expect(page.text).to.contain('Your team');
    expect(page.text).to.contain('Maria García (you)');
    expect(page.text).to.contain('Tom Becker');
    expect(page.text).not.to.contain('Priya Nair');
    expect(page.text).to.match(/Tom Becker[\s\S]*?Not invited/);
    const dashboard = await agent.get('/portal/demo/').expect(200);
    expect(dashboard.text).to.contain(`href="${TEAM}"`);
    // Anyone who is not a client admin has no such page and no link to it.
    const priya = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    const other = await signedInAgent(h.agent(), 'demo', priya);
    await other.get(TEAM).expect(404);
    expect((await other.get('/portal/demo/').expect(200)).text).not.to.contain(`href="${TEAM}"`);
  });

  it('invites a colleague: an email naming the client admin, a log entry and a notification for the agency', async function () {
    h.smtp.clear();
    // The invite form asks for the role, the default chosen, as the colleague request does.
    const before = await agent.get(TEAM).expect(200);
    const select = /<select id="(colleague-\d+)-invite-role" name="role">([\s\S]*?)<\/select>/.exec(before.text);
    expect(select, 'a role select in the invite form').to.not.equal(null);
    expect(before.text).to.contain(
      `<label class="visually-hidden" for="${select![1]}-invite-role">Role to give Tom Becker with the invitation</label>`,
    );
    expect([...select![2]!.matchAll(/value="([^"]+)"/g)].map((m) => m[1])).to.include.members(['admin', 'full', 'billing', 'member']);
    expect(select![2]).to.contain('<option value="full" selected>');
    const res = await post(`${TEAM}/invite`, { contactId: (await tom()).id, role: 'billing' }, 303);
    expect(res.headers.location).to.equal(`${TEAM}?notice=invited`);
    expect((await tomUser()).role, 'the role chosen with the invitation').to.equal('billing');
    const mail = await h.smtp.waitForMessage((m) => m.to.includes('tom@northwind.test'));
    // It names the client admin's company, not the agency whose portal it is.
    expect(mail.subject).to.equal('Maria García at Northwind Traders invited you to your company’s client portal');
    expect(mail.text).to.contain(
      'Maria García at Northwind Traders invited you to the client portal Demo Agency keeps for Northwind Traders',
    );
    expect(mail.text).to.not.contain('at Demo Agency');
    expect((await tomUser()).status).to.equal('invited');
    const logged = await db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'team.invited', client_user_id: maria.id })
      .first('details');
    expect(logged.details).to.include({ colleagueEmail: 'tom@northwind.test' });
    const staff = await signedInStaffAgent(h, 'demo');
    const notifications = await staff.get('/client-portal/notifications').expect(200);
    expect(notifications.text).to.contain('Invited a colleague');
    expect((await agent.get(`${TEAM}?notice=invited`).expect(200)).text).to.contain('Invitation sent.');
  });

  it('changes a colleague’s role, keeping what the agency hid from them', async function () {
    const tomId = (await tomUser()).id;
    await db('client_users')
      .where({ workspace_id: workspaceId, id: tomId })
      .update({ denied_permissions: ['documents'] });
    await post(`${TEAM}/${tomId}/role`, { role: 'billing' }, 303);
    const after = await db('client_users').where({ workspace_id: workspaceId, id: tomId }).first('role', 'denied_permissions');
    expect(after).to.deep.equal({ role: 'billing', denied_permissions: ['documents'] });
    const logged = await db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'team.role_changed' })
      .orderBy('id', 'desc')
      .first('details');
    expect(logged.details).to.include({ colleagueEmail: 'tom@northwind.test', roleName: 'Billing' });
  });

  it('keeps at least one client admin, and does not let a client admin disable themselves', async function () {
    const last = await post(`${TEAM}/${maria.id}/role`, { role: 'member' }, 409);
    // Said on the team page itself, at its top, with the team still there to act on.
    expect(last.text)
      .to.contain('<p class="error-summary" role="alert" id="team-refusal" tabindex="-1">Your company needs at least one client admin.')
      .and.contain('<h1>Your team</h1>')
      .and.contain(`action="${TEAM}/${maria.id}/role"`);
    const self = await post(`${TEAM}/${maria.id}/disable`, {}, 409);
    expect(self.text).to.contain('id="team-refusal" tabindex="-1">You cannot disable your own access.');
    // With Tom made client admin, Maria may step down; the page is then not hers any more.
    const tomId = (await tomUser()).id;
    await post(`${TEAM}/${tomId}/role`, { role: 'admin' }, 303);
    await post(`${TEAM}/${maria.id}/role`, { role: 'full' }, 303);
    await agent.get(TEAM).expect(404);
    await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).update({ role: 'admin' });
    await db('client_users').where({ workspace_id: workspaceId, id: tomId }).update({ role: 'billing' });
  });

  it('disables a colleague after a confirmation: signed out everywhere, logged', async function () {
    const tomId = (await tomUser()).id;
    await db('client_users').where({ workspace_id: workspaceId, id: tomId }).update({ status: 'active', password_hash: null });
    const confirm = await agent.get(`${TEAM}/${tomId}/disable`).expect(200);
    expect(confirm.text).to.contain('Disable access for tom@northwind.test?');
    const res = await post(`${TEAM}/${tomId}/disable`, {}, 303);
    expect(res.headers.location).to.equal(`${TEAM}?notice=disabled`);
    expect((await tomUser()).status).to.equal('disabled');
    expect(await db('client_activity_logs').where({ workspace_id: workspaceId, event: 'team.disabled' }).first('id')).to.not.equal(
      undefined,
    );
    // A disabled colleague is the agency's to re-enable: no actions are offered, and none are taken.
    const again = await post(`${TEAM}/${tomId}/role`, { role: 'member' }, 409);
    expect(again.text).to.contain('Ask your agency to give it back.');
  });

  it('grants a colleague nothing the client admin cannot see herself', async function () {
    const tomId = (await tomUser()).id;
    await db('client_users').where({ workspace_id: workspaceId, id: tomId }).update({ status: 'active', role: 'member' });
    await db('client_users')
      .where({ workspace_id: workspaceId, id: maria.id })
      .update({ denied_permissions: ['invoices'] });
    try {
      const beyond = await post(`${TEAM}/${tomId}/role`, { role: 'full' }, 409);
      expect(beyond.text).to.contain('That role would let them see something you cannot see yourself.');
      expect((await tomUser()).role).to.equal('member');
      // A role within her own access is hers to give.
      await post(`${TEAM}/${tomId}/role`, { role: 'member' }, 303);
      // Inviting someone new, she is offered only the roles she may give, and the others are refused.
      const nora = await h.crm.adapter.contacts.create!(workspaceId, maria.client_id, { name: 'Nora Neu', email: 'nora@northwind.test' });
      const page = await agent.get(TEAM).expect(200);
      const offered = /<select id="colleague-\d+-invite-role" name="role">([\s\S]*?)<\/select>/.exec(page.text)![1]!;
      expect([...offered.matchAll(/value="([^"]+)"/g)].map((m) => m[1])).to.deep.equal(['member']);
      expect(offered).to.contain('<option value="member" selected>');
      const refused = await post(`${TEAM}/invite`, { contactId: nora!.id, role: 'full' }, 409);
      expect(refused.text).to.contain('That role would let them see something you cannot see yourself.');
      // Without a role, the default is held to the same rule.
      await post(`${TEAM}/invite`, { contactId: nora!.id }, 409);
      expect(await db('client_users').where({ workspace_id: workspaceId, contact_id: nora!.id }).first('id')).to.equal(undefined);
      await post(`${TEAM}/invite`, { contactId: nora!.id, role: 'member' }, 303);
      expect(await db('client_users').where({ workspace_id: workspaceId, contact_id: nora!.id }).first('role', 'status')).to.deep.equal({
        role: 'member',
        status: 'invited',
      });
    } finally {
      await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).update({ denied_permissions: [] });
      await db('client_users').where({ workspace_id: workspaceId, id: tomId }).update({ status: 'disabled' });
    }
  });

  it('reaches no one of another company, and answers bad input with words', async function () {
    const priya = await db('client_users').where({ workspace_id: workspaceId, email: 'priya@bluebell.test' }).first('id', 'contact_id');
    await post(`${TEAM}/${priya.id}/role`, { role: 'member' }, 404);
    await post(`${TEAM}/${priya.id}/disable`, {}, 404);
    await agent.get(`${TEAM}/${priya.id}/disable`).expect(404);
    await post(`${TEAM}/invite`, { contactId: priya.contact_id }, 404);
    const badRole = await post(`${TEAM}/${maria.id}/role`, { role: 'owner' }, 400);
    expect(badRole.text).to.contain('Choose a role from the list.');
    const noContact = await post(`${TEAM}/invite`, {}, 400);
    expect(noContact.text).to.contain('Choose a colleague from the list.');
    // A name that would reverse or hide text where staff read it (bidi controls, zero-width characters).
    for (const name of ['Eve \u202Eredna\u202C Smith', 'Eve\u200BSmith', 'Eve \u2066Smith\u2069', 'Eve\uFEFFSmith']) {
      const hidden = await post(`${TEAM}/requests`, { name, email: 'eve@northwind.test' }, 400);
      expect(hidden.text).to.contain('A name cannot hold invisible characters that change how text is shown');
    }
    expect(await db('portal_colleague_requests').where({ workspace_id: workspaceId, email: 'eve@northwind.test' })).to.have.length(0);
    await agent.get(`${TEAM}/not-an-id/disable`).expect(404);
  });

  it('asks the agency for a colleague who is not a contact; the agency adds them to the CRM and the portal invites them', async function () {
    h.smtp.clear();
    // Bad input gets words and keeps what was typed; someone already listed is refused.
    const bad = await post(`${TEAM}/requests`, { name: 'Lena Vogt', email: 'lena@', note: 'Our new designer' }, 400);
    expect(bad.text).to.contain('Enter a valid email address, like name@example.com.');
    expect(bad.text).to.contain('value="Lena Vogt"');
    const known = await post(`${TEAM}/requests`, { name: 'Tom', email: 'TOM@northwind.test' }, 409);
    expect(known.text).to.contain('Tom Becker is already in the list: invite them from there.');
    const asked = await post(
      `${TEAM}/requests`,
      { name: 'Lena Vogt', email: 'Lena@Northwind.test', note: 'Our new designer', role: 'billing' },
      303,
    );
    expect(asked.headers.location).to.equal(`${TEAM}?notice=requested`);
    const again = await post(`${TEAM}/requests`, { name: 'Lena Vogt', email: 'lena@northwind.test' }, 409);
    expect(again.text).to.contain('You have already asked for lena@northwind.test.');
    const page = await agent.get(`${TEAM}?notice=requested`).expect(200);
    expect(page.text).to.contain('Your agency has been asked.').and.contain('lena@northwind.test').and.contain('Waiting for your agency');
    // The agency is told (by email at once: notifications/rules.ts), and the notification leads to the request.
    const staff = await signedInStaffAgent(h, 'demo');
    const notifications = await staff.get('/client-portal/notifications').expect(200);
    expect(notifications.text)
      .to.contain('Asked the agency to add a colleague')
      .and.match(/href="[^"]*\/colleague-requests\/[0-9a-f-]{36}"/);
    const list = await staff.get(`${ADMIN}/colleague-requests`).expect(200);
    expect(list.text).to.contain('Lena Vogt (lena@northwind.test)').and.contain('Northwind');
    const href = /href="([^"]*\/colleague-requests\/[0-9a-f-]{36})"/.exec(list.text)![1]!;
    const review = await staff.get(href).expect(200);
    expect(review.text).to.contain('Our new designer').and.contain('Adding creates the contact Lena Vogt');
    // Staff choose the role, the one asked for chosen already; a role of another workspace is refused with words.
    expect(review.text).to.match(/Role asked for<\/dt>\s*<dd>Billing<\/dd>/);
    expect(review.text).to.match(/<select id="add-role" name="role"[\s\S]*?<option value="billing" selected>Billing<\/option>/);
    const acme = (await h.crm.adapter.workspaces.findBySlug('acme'))!.id;
    const elsewhere = randomUUID();
    await db('client_roles').insert({ workspace_id: acme, id: elsewhere, name: 'Acme auditors', permissions: ['invoices'] });
    const foreign = await staff
      .post(`${href}/add`)
      .type('form')
      .send({ _csrf: csrfFrom(review.text), role: `custom:${elsewhere}` })
      .expect(400);
    expect(foreign.text).to.contain('Choose a role from the list.');
    const garbage = await staff
      .post(`${href}/add`)
      .type('form')
      .send({ _csrf: csrfFrom(review.text), role: 'owner' })
      .expect(400);
    expect(garbage.text).to.contain('Choose a role from the list.').and.contain('<select id="add-role"');
    expect(await h.crm.adapter.contacts.findByEmail(workspaceId, 'lena@northwind.test')).to.have.length(0);
    h.smtp.clear();
    const added = await staff
      .post(`${href}/add`)
      .type('form')
      .send({ _csrf: csrfFrom(review.text), role: 'member' })
      .expect(303);
    expect(added.headers.location).to.equal(`${ADMIN}/colleague-requests?notice=added`);
    const [lena] = await h.crm.adapter.contacts.findByEmail(workspaceId, 'lena@northwind.test');
    expect(lena).to.include({ name: 'Lena Vogt', clientId: maria.client_id });
    const lenaUser = await db('client_users').where({ workspace_id: workspaceId, contact_id: lena!.id }).first('role', 'status');
    expect(lenaUser).to.deep.equal({ role: 'member', status: 'invited' });
    const invitation = await h.smtp.waitForMessage((m) => m.to.includes('lena@northwind.test'));
    expect(invitation.text).to.match(/\/invitation\//);
    const answer = await h.smtp.waitForMessage((m) => m.to.includes(login.email));
    expect(answer.subject).to.contain('added Lena Vogt to your team');
    expect(answer.text).to.contain('/portal/demo/team');
    expect((await agent.get(TEAM).expect(200)).text).to.contain('Added and invited on');
    // Decided once: a second add changes nothing.
    const twice = await staff
      .post(`${href}/add`)
      .type('form')
      .send({ _csrf: csrfFrom(review.text), role: 'admin' })
      .expect(303);
    expect(twice.headers.location).to.equal(`${ADMIN}/colleague-requests?notice=decided`);
    expect(await h.crm.adapter.contacts.findByEmail(workspaceId, 'lena@northwind.test')).to.have.length(1);
    expect((await db('client_users').where({ workspace_id: workspaceId, contact_id: lena!.id }).first('role')).role).to.equal('member');
  });

  it('declines a request with a reason the client admin reads, on the page and by email; a reason is required', async function () {
    h.smtp.clear();
    await post(`${TEAM}/requests`, { name: 'Max Muster', email: 'max@example.test' }, 303);
    const staff = await signedInStaffAgent(h, 'demo');
    const list = await staff.get(`${ADMIN}/colleague-requests`).expect(200);
    const href = /href="([^"]*\/colleague-requests\/[0-9a-f-]{36})">Max Muster/.exec(list.text)![1]!;
    const review = await staff.get(href).expect(200);
    const empty = await staff
      .post(`${href}/decline`)
      .type('form')
      .send({ _csrf: csrfFrom(review.text), note: ' ' })
      .expect(400);
    expect(empty.text).to.contain('Say why the request is declined');
    await staff
      .post(`${href}/decline`)
      .type('form')
      .send({ _csrf: csrfFrom(review.text), note: 'Please use your company address.' })
      .expect(303);
    const page = await agent.get(TEAM).expect(200);
    expect(page.text).to.contain('Declined on').and.contain('Please use your company address.');
    const answer = await h.smtp.waitForMessage((m) => m.to.includes(login.email) && m.subject.includes('Max Muster'));
    expect(answer.text).to.contain('Their reason: Please use your company address.');
    const logged = await db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'team.colleague_declined', client_user_id: maria.id })
      .first('details');
    expect(logged.details).to.include({ colleagueEmail: 'max@example.test', note: 'Please use your company address.' });
    // Another workspace's staff, or a request id that is not one, find nothing.
    await staff.get(`${ADMIN}/colleague-requests/00000000-0000-4000-8000-000000000000`).expect(404);
    await staff.get(`${ADMIN}/colleague-requests/not-an-id`).expect(404);
  });

  it('refuses, in the staff member’s language, to add a colleague whose address another contact signs in with', async function () {
    const id = randomUUID();
    // Priya signs in to the portal for Bluebell: Northwind cannot have a colleague with her address.
    await db('portal_colleague_requests').insert({
      workspace_id: workspaceId,
      id,
      client_id: maria.client_id,
      requested_by: maria.id,
      name: 'Priya Again',
      email: 'priya@bluebell.test',
    });
    const staff = await signedInStaffAgent(h, 'demo');
    const href = `${ADMIN}/colleague-requests/${id}`;
    const add = async (language: string) => {
      const review = await staff.get(href).set('Accept-Language', language).expect(200);
      return staff
        .post(`${href}/add`)
        .set('Accept-Language', language)
        .type('form')
        .send({ _csrf: csrfFrom(review.text), role: 'member' })
        .expect(409);
    };
    expect((await add('de')).text)
      .to.contain('Mit priya@bluebell.test meldet sich bereits ein anderer Kontakt im Portal an.')
      .and.not.contain('already signs in');
    expect((await add('en')).text).to.contain('priya@bluebell.test already signs in to the portal as another contact.');
    // A request that is not there, in German too.
    const missing = await staff
      .get(`${ADMIN}/colleague-requests/00000000-0000-4000-8000-000000000000`)
      .set('Accept-Language', 'de')
      .expect(404);
    expect(missing.text).to.contain('Wir konnten diese Anfrage nicht finden.');
    await db('portal_colleague_requests').where({ workspace_id: workspaceId, id }).delete();
  });

  it('answers a flood of colleague requests from one person with a 429 in their language', async function () {
    // The earlier tests asked a few times already: ask until the hour's budget of 10 is spent.
    let status = 303;
    let asked = 0;
    for (; asked < 12 && status === 303; asked++) {
      status = (
        await agent
          .post(`${TEAM}/requests`)
          .type('form')
          .send({ _csrf: csrfFrom((await agent.get(TEAM)).text), name: `Flood ${asked}`, email: `flood-${asked}@northwind.test` })
      ).status;
    }
    expect(status).to.equal(429);
    expect(asked).to.be.at.most(11);
    const german = await agent
      .post(`${TEAM}/requests`)
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrfFrom((await agent.get(TEAM)).text), name: 'Flood again', email: 'flood-again@northwind.test' })
      .expect(429);
    expect(german.headers['retry-after']).to.match(/^\d+$/);
    expect(german.text).to.contain('Versuchen Sie es');
    expect(await db('portal_colleague_requests').where({ workspace_id: workspaceId }).whereLike('email', 'flood%')).to.have.length.below(
      11,
    );
  });

  it('speaks German to a German reader', async function () {
    const german = h.agent();
    const res = await postPasswordSignIn(german, 'demo', login);
    expect(res.status).to.equal(303);
    const page = await german.get(TEAM).set('Accept-Language', 'de').expect(200);
    expect(page.text).to.contain('Ihr Team');
    expect(page.text).to.contain('Zuletzt angemeldet');
  });
});
