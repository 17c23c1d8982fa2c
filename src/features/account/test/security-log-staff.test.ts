// The agency's page of one person's sign-in and security log, on the reference CRM: the demo
// workspace's admin follows the link on Maria's page to her log and reads her sign-ins and
// security changes (method, address, browser), newest first, fifty to a page with an "older"
// link, and nothing of anyone else nor any other kind of activity, with how long the workspace
// keeps them; in German too. A person of another workspace (Acme's Hana), an unknown or a
// malformed id is a 404, a malformed page address a 400 with words, and a staff member who is no
// admin gets the admin pages' 403.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { type PortalHarness, signedInStaffAgent, startPortalHarness } from '../../../../test/support/portal-harness.ts';

const ADMIN = '/settings/client-portal';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0';

const rowsOf = (html: string) => (/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').match(/<tr>/g)?.length ?? 0;

interface Person {
  id: string;
  client_id: string;
  email: string;
}

describe('sign-in and security log: the agency’s page of one person', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let maria: Person;
  let olivia: Person;
  let hana: Person;
  let staff: Awaited<ReturnType<typeof signedInStaffAgent>>;
  let logPath: string;

  const log = (who: Person, workspace: string, event: string, extra: Record<string, unknown> = {}) => ({
    workspace_id: workspace,
    client_user_id: who.id,
    client_id: who.client_id,
    email: who.email,
    event,
    details: JSON.stringify(extra),
    ip: '203.0.113.7',
    user_agent: FIREFOX,
  });

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    const acmeId = (await h.crm.adapter.workspaces.findBySlug('acme'))!.id;
    const person = (workspace: string, email: string) =>
      db('client_users').where({ workspace_id: workspace, email }).first<Person>('id', 'client_id', 'email');
    maria = await person(workspaceId, 'maria@northwind.test');
    olivia = await person(workspaceId, 'olivia@northwind.test');
    const hanaLogin = h.crm.clientLogins.find((l) => l.workspaceSlug === 'acme')!;
    hana = await person(acmeId, hanaLogin.email);
    await db('client_activity_logs').insert([
      log(hana, acmeId, 'password.changed'),
      log(maria, workspaceId, 'sign_in.succeeded', { method: 'passkey' }),
      log(maria, workspaceId, 'invoice.viewed', { invoiceId: 'inv-1' }),
      log(olivia, workspaceId, 'email.changed'),
      log(maria, workspaceId, 'passkey.added'),
    ]);
    staff = await signedInStaffAgent(h, 'demo');
    logPath = `${ADMIN}/clients/${maria.id}/security-log`;
  });
  after(async function () {
    await h?.close();
  });

  it('is linked from the person’s page and lists their own security entries, newest first', async function () {
    const person = await staff.get(`${ADMIN}/clients/${maria.id}/access`).expect(200);
    expect(person.text).to.contain(`href="${logPath}"`);
    const page = await staff.get(logPath).expect(200);
    expect(page.text).to.contain('Sign-in and security log of Maria García');
    expect(page.text).to.contain('maria@northwind.test');
    expect(page.text).to.match(/Signed in <span class="hint">\(passkey\)<\/span>/);
    expect(page.text).to.contain('Added a passkey');
    expect(page.text).to.contain('Firefox on Windows');
    expect(page.text).to.contain('203.0.113.7');
    expect(page.text.indexOf('Added a passkey')).to.be.below(page.text.indexOf('Signed in <span class="hint">(passkey)'));
    // Nothing of Olivia's, nothing that is not a security event, nothing of another workspace.
    expect(page.text).not.to.contain('Viewed an invoice');
    expect(page.text).not.to.contain('Changed their sign-in email');
    expect(page.text).not.to.contain('Changed password');
    expect(page.text).to.contain('Entries are kept for 365 days, then deleted.');
    expect(page.text).to.contain(`href="${ADMIN}/clients/${maria.id}/access"`);
  });

  it('speaks the staff member’s language', async function () {
    const page = await staff.get(logPath).set('Accept-Language', 'de').expect(200);
    expect(page.text).to.contain('Anmelde- und Sicherheitsprotokoll von Maria García');
    expect(page.text).to.contain('Einträge werden 365 Tage lang aufbewahrt und danach gelöscht.');
  });

  it('pages fifty at a time with an older link, and refuses a malformed page address with words', async function () {
    await db('client_activity_logs').insert(
      Array.from({ length: 120 }, (_, i) => log(maria, workspaceId, 'sign_in.failed', { method: 'code', n: i })),
    );
    const first = await staff.get(logPath).expect(200);
    expect(rowsOf(first.text)).to.equal(50);
    const older = /href="([^"]+\/security-log\?before=\d+)"/.exec(first.text)?.[1];
    expect(older).to.be.a('string');
    const second = await staff.get(older!).expect(200);
    expect(rowsOf(second.text)).to.equal(50);
    expect(second.text).to.contain('Newest entries');
    const third = await staff.get(/href="([^"]+\?before=\d+)"/.exec(second.text)![1]!).expect(200);
    // 120 failures, the sign-in and the passkey: 122 entries.
    expect(rowsOf(third.text)).to.equal(22);
    expect(third.text).not.to.match(/\?before=\d+/);
    const refused = await staff.get(`${logPath}?before=1%20or%201=1`).expect(400);
    expect(refused.text).to.contain('That page of the log does not exist.');
  });

  it('finds no person of another workspace, nor an unknown or malformed one (404)', async function () {
    const other = await staff.get(`${ADMIN}/clients/${hana.id}/security-log`).expect(404);
    expect(other.text).not.to.contain(hana.email);
    const unknown = `${ADMIN}/clients/00000000-0000-4000-8000-000000000000/security-log`;
    expect((await staff.get(unknown).expect(404)).text).to.contain('We could not find that client user.');
    expect((await staff.get(unknown).set('Accept-Language', 'de').expect(404)).text).to.contain(
      'Wir konnten diesen Kundenzugang nicht finden.',
    );
    await staff.get(`${ADMIN}/clients/not-an-id/security-log`).expect(404);
  });

  it('is for the workspace’s admins, as every staff page about a client user is (403)', async function () {
    const member = await signedInStaffAgent(h, 'demo', 'member');
    const res = await member.get(logPath).expect(403);
    expect(res.text).to.contain('Only workspace admins can change the client portal settings.');
  });
});
