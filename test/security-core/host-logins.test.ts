// Sign-in when the host keeps the client logins (src/auth/auth-service.ts with a credentials port),
// on the second CRM's fixture and its real adapter: the host's password signs in and links a
// portal client user on first use; the host decides who may sign in, also after linking (a login
// switched off gets no code, no reset and no session from a code or link sent before); a new
// password is written to the host, never to the portal.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../migrations/index.ts';
import { createSecondCrmAdapter } from '../../plugins/second-crm/adapter.ts';
import { hashPassword as hostHash } from '../../plugins/second-crm/passwords.ts';
import { AuthService, type SignInResult } from '../../src/auth/auth-service.ts';
import { findClientUserByContact, findClientUserById, insertClientUser, type ClientUserRow } from '../../src/client-users/queries.ts';
import { PortalConfigSchema } from '../../src/config.ts';
import { createKnex } from '../../src/db/connect.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { MailOutbox } from '../../src/mail/outbox.ts';
import type { HostAdapter, HostWorkspace } from '../../src/ports/host.ts';
import { RateLimiter } from '../../src/rate-limits/limiter.ts';
import { RepeatGuard } from '../../src/rate-limits/repeat-guard.ts';
import { hashSessionId } from '../../src/sessions/hashed-session-store.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';
import { loadSecondCrm } from '../support/second-host-harness.ts';
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from '../support/smtp-capture.ts';

/** A customer of entity 1 in the fixture (the Martin bakery). */
const CUSTOMER = 1;

describe('sign-in with logins the host keeps', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let smtp: SmtpCapture;
  let outbox: MailOutbox;
  let adapter: HostAdapter;
  let auth: AuthService;
  let workspace: HostWorkspace;
  let clock = Date.now();
  const now = () => new Date(clock);
  let n = 0;
  const unique = () => `${Date.now().toString(36)}-${++n}`;
  const config = PortalConfigSchema.parse({ appUrl: 'http://portal.test', portalPath: '/portal', sessionSecret: 's'.repeat(40) });
  // One workspace for every test (the fixture's entity 1): an address of its own per test keeps the
  // per-address limits apart, also when the mutation runner runs the file again on the same database.
  let meta = { ip: 'unset', userAgent: 'test agent' };
  beforeEach(function () {
    meta = { ip: `ip-${unique()}`, userAgent: 'test agent' };
  });
  const staff = { id: 's1', workspaceId: '1', name: 'Ada Admin', email: 'ada@agency.test', role: 'admin' as const };

  /** A contact of the host with a login (or without, `password` null); a fresh email each time. */
  async function hostLogin(password: string | null = 'host password 1'): Promise<{ contactId: string; email: string }> {
    const email = `login-${unique()}@example.test`;
    const [row] = await db('llx_socpeople')
      .insert({ entity: 1, fk_soc: CUSTOMER, lastname: 'Login', firstname: 'Lou', email, login: password ? `login-${unique()}` : null, pass_crypted: password ? await hostHash(password) : null, statut: 1, datec: new Date() })
      .returning('rowid');
    return { contactId: String((row as { rowid: number }).rowid), email };
  }
  function userOf(result: SignInResult): ClientUserRow {
    if (!result.ok) throw new Error(`not signed in: ${result.reason}`);
    return result.user;
  }
  const switchOff = (contactId: string) => db('llx_socpeople').where({ rowid: Number(contactId) }).update({ statut: 0 });

  async function mailTo(email: string): Promise<CapturedMessage[]> {
    await outbox.drain();
    return smtp.messages.filter((message) => message.to.includes(email.toLowerCase()));
  }
  const tokenIn = (message: CapturedMessage, path: string) => new RegExp(`${path}/([A-Za-z0-9_-]{43})$`, 'm').exec(message.text)![1]!;
  const codeIn = (message: CapturedMessage) => /^(\d{6})$/m.exec(message.text)![1]!;
  const lastEvent = async () => db('client_activity_logs').where({ workspace_id: workspace.id }).orderBy('id', 'desc').first('event', 'email', 'details');

  before(async function () {
    database = await reusableTestDatabase('security-core-second-crm');
    db = createKnex(database.url, 3);
    // Kept between runs of the mutation test runner: the fixture is loaded once.
    if (!(await db.schema.hasTable('llx_socpeople'))) await loadSecondCrm(database.url);
    await migratePortal(db);
    smtp = await startSmtpCapture();
    outbox = new MailOutbox({ db, transport: createMailer({ smtpUrl: smtp.url, from: 'Portal <portal@agency.test>' }), secret: config.sessionSecret, now, logger: { info: () => {}, error: (m, e) => console.error(m, e) }, wakeOnSend: false });
    adapter = createSecondCrmAdapter(db);
    workspace = (await adapter.workspaces.findById('1'))!;
    auth = new AuthService({ db, adapter, mailer: outbox.mailer, config, limiter: new RateLimiter(db, () => clock), guard: new RepeatGuard(db, () => clock), now });
  });
  after(async function () {
    await outbox?.stop();
    await smtp?.stop();
    await db?.destroy();
    await database?.drop();
  });

  it('signs in with the host\'s password, linking a client user on first use', async function () {
    const login = await hostLogin('host password 1');
    expect(await auth.signInWithPassword(workspace, login.email, 'wrong password', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect((await lastEvent()).details).to.deep.equal({ method: 'password', reason: 'unknown_email' });
    expect(await findClientUserByContact(db, workspace.id, login.contactId)).to.equal(null);
    const first = await auth.signInWithPassword(workspace, login.email, 'host password 1', meta);
    expect(first.ok && first.user).to.include({ contact_id: login.contactId, email: login.email, status: 'active', client_id: String(CUSTOMER), password_hash: null });
    const again = await auth.signInWithPassword(workspace, login.email, 'host password 1', meta);
    expect(again.ok && again.user.id).to.equal(first.ok && first.user.id);
    expect(await auth.signInWithPassword(workspace, login.email, 'wrong password', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect((await lastEvent()).details).to.deep.equal({ method: 'password', reason: 'wrong_password' });
    expect(await auth.hasPassword(workspace, userOf(first))).to.equal(true);
    const noLogin = await hostLogin(null);
    const user = await insertClientUser(db, { workspaceId: workspace.id, clientId: String(CUSTOMER), contactId: noLogin.contactId, email: noLogin.email, status: 'active', passwordHash: 'portal-hash' });
    expect(await auth.hasPassword(workspace, user)).to.equal(false);
  });

  it('links one client user when two first sign-ins come at once', async function () {
    const login = await hostLogin('host password 1');
    const [a, b] = await Promise.all([auth.signInWithPassword(workspace, login.email, 'host password 1', meta), auth.signInWithPassword(workspace, login.email, 'host password 1', { ...meta, ip: `${meta.ip}-b` })]);
    expect(a.ok && b.ok && a.user.id === b.user.id).to.equal(true);
  });

  it('refuses a password that belongs to another contact than the one linked', async function () {
    const linked = await hostLogin('host password 1');
    const user = (await auth.signInWithPassword(workspace, linked.email, 'host password 1', meta));
    expect(user.ok).to.equal(true);
    // The host moved the email to another contact with its own login.
    const email = `moved-${unique()}@example.test`;
    await db('llx_socpeople').where({ rowid: Number(linked.contactId) }).update({ email });
    await db('llx_socpeople').insert({ entity: 1, fk_soc: CUSTOMER, lastname: 'Other', firstname: 'Oli', email: linked.email, login: `other-${unique()}`, pass_crypted: await hostHash('other password 1'), statut: 1 });
    expect(await auth.signInWithPassword(workspace, linked.email, 'other password 1', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(await auth.requestCode(workspace, linked.email, meta)).to.deep.equal({ ok: true });
    expect(await mailTo(linked.email)).to.deep.equal([]);
  });

  it('emails a code to a host login, linking it, and stops once the host switches the login off', async function () {
    const login = await hostLogin();
    expect(await auth.requestCode(workspace, login.email, meta)).to.deep.equal({ ok: true });
    const linked = (await findClientUserByContact(db, workspace.id, login.contactId))!;
    expect(linked).to.include({ email: login.email, status: 'active' });
    const code = codeIn((await mailTo(login.email))[0]!);
    await switchOff(login.contactId);
    expect(await auth.signInWithCode(workspace, login.email, code, meta)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect((await lastEvent()).details).to.deep.equal({ method: 'code', reason: 'no_live_code' });
    clock += 6_000;
    expect(await auth.requestCode(workspace, login.email, meta)).to.deep.equal({ ok: true });
    expect(await mailTo(login.email)).to.have.length(1);
    expect(await auth.signInWithPassword(workspace, login.email, 'host password 1', meta)).to.deep.equal({ ok: false, reason: 'invalid' });

    const stranger = `nobody-${unique()}@example.test`;
    expect(await auth.requestCode(workspace, stranger, meta)).to.deep.equal({ ok: true });
    expect(await mailTo(stranger)).to.deep.equal([]);
  });

  it('signs in with a code while the host keeps the login on', async function () {
    const login = await hostLogin();
    await auth.requestCode(workspace, login.email, meta);
    const code = codeIn((await mailTo(login.email))[0]!);
    expect((await auth.signInWithCode(workspace, login.email, code, meta)).ok).to.equal(true);
  });

  it('writes a password from a reset link to the host, and a link stops once the host switches the login off', async function () {
    const login = await hostLogin('host password 1');
    await auth.requestPasswordReset(workspace, login.email, meta);
    const token = tokenIn((await mailTo(login.email))[0]!, '/password/reset');
    const user = (await findClientUserByContact(db, workspace.id, login.contactId))!;
    const sid = hashSessionId(unique());
    await db('client_sessions').insert({ sid, sess: JSON.stringify({ portal: { workspaceId: workspace.id, clientUserId: user.id, signedInAt: now().toISOString(), ip: null, userAgent: null } }), expire: new Date(Date.now() + 3_600_000) });
    expect((await auth.setPasswordFromLink(workspace, 'reset', token, 'new host password', meta))!.id).to.equal(user.id);
    expect(await db('client_sessions').where({ sid }).first()).to.equal(undefined);
    expect((await findClientUserById(db, workspace.id, user.id))!.password_hash).to.equal(null);
    expect((await adapter.credentials!.verifyPassword(workspace.id, login.email, 'new host password'))?.id).to.equal(login.contactId);
    expect((await auth.signInWithPassword(workspace, login.email, 'new host password', meta)).ok).to.equal(true);

    clock += 6_000;
    await auth.requestPasswordReset(workspace, login.email, meta);
    const second = tokenIn((await mailTo(login.email))[1]!, '/password/reset');
    await switchOff(login.contactId);
    expect(await auth.findLinkUser(workspace, 'reset', second)).to.equal(null);
    expect(await auth.setPasswordFromLink(workspace, 'reset', second, 'another password', meta)).to.equal(null);
  });

  it('accepts an invitation for a contact without a login, activating the client user and writing the password to the host', async function () {
    const contact = await hostLogin(null);
    const invited = (await auth.invite(workspace, contact.contactId, staff, meta))!;
    expect(invited.status).to.equal('invited');
    const token = tokenIn((await mailTo(contact.email))[0]!, '/invitation');
    expect((await auth.findLinkUser(workspace, 'invite', token))!.id).to.equal(invited.id);
    expect((await auth.setPasswordFromLink(workspace, 'invite', token, 'first host password', meta))!.id).to.equal(invited.id);
    const after = (await findClientUserById(db, workspace.id, invited.id))!;
    expect(after).to.include({ status: 'active', password_hash: null });
    expect(await adapter.credentials!.hasPassword(workspace.id, contact.contactId)).to.equal(true);
  });

  it('checks and changes the current password against the host', async function () {
    const login = await hostLogin('host password 1');
    const signedIn = await auth.signInWithPassword(workspace, login.email, 'host password 1', meta);
    const user = userOf(signedIn);
    expect(await auth.changePassword(workspace, user, 'not it', 'host password 2', 'keep', meta)).to.deep.equal({ ok: false, reason: 'wrong_password' });
    expect(await auth.changePassword(workspace, user, 'host password 1', 'host password 2', 'keep', meta)).to.deep.equal({ ok: true });
    expect((await adapter.credentials!.verifyPassword(workspace.id, login.email, 'host password 2'))?.id).to.equal(login.contactId);
    expect((await findClientUserById(db, workspace.id, user.id))!.password_hash).to.equal(null);
    await switchOff(login.contactId);
    expect(await auth.checkCurrentPassword(workspace, user, 'host password 2', 'email_change', meta)).to.deep.equal({ ok: false, reason: 'wrong_password' });
  });
});
