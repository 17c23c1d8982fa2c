// Sign-in when the host keeps the client logins (src/features/account/sign-in/auth-service.ts with a credentials port),
// on Alga PSA's real schema and the alga-psa binding (its client logins are users rows with
// user_type 'client' and Alga's PBKDF2 passwords): the host's password signs in and links a
// portal client user on first use; the host decides who may sign in, also after linking (a login
// switched off in Alga, users.is_inactive, gets no code, no reset and no session from a code or
// link sent before); a new password is written to the host, never to the portal; a login of
// another tenant signs nobody in.
//
// The real schema is loaded with psql into a PostgreSQL server: without DATABASE_URL (the embedded
// engine) or without crm-schemas/alga-psa.sql the file skips, saying why (alga-host.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { createAlgaPsaAdapter } from '../../plugins/alga-psa/adapter.ts';
import { AuthService, type SignInResult } from '../../src/features/account/sign-in/auth-service.ts';
import { findClientUserByContact, findClientUserById, insertClientUser, type ClientUserRow } from '../../src/core/client-users/queries.ts';
import { PortalConfigSchema } from '../../src/core/config.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { MailOutbox } from '../../src/core/mail/outbox.ts';
import type { HostAdapter, HostWorkspace } from '../../src/core/ports/host.ts';
import { RateLimiter } from '../../src/core/rate-limits/limiter.ts';
import { RepeatGuard } from '../../src/core/rate-limits/repeat-guard.ts';
import { hashSessionId } from '../../src/core/sessions/portal-sessions.ts';
import { loadAlgaSchema, unavailable } from '../alga-psa/alga-host.ts';
import { algaHash, NEXTAUTH_SECRET, seedAlga } from '../alga-psa/seed.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';
import { contactOf } from '../support/host-contacts.ts';
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from '../support/smtp-capture.ts';
import { createPortalLinks } from '../../src/core/web/portal-links.ts';

const reason = unavailable();

describe('sign-in with logins the host keeps', function () {
  this.timeout(300_000);
  let database: TestDatabase;
  let db: Knex;
  let storageRoot: string | undefined;
  let smtp: SmtpCapture;
  let outbox: MailOutbox;
  let adapter: HostAdapter;
  let auth: AuthService;
  let workspace: HostWorkspace;
  /** The seed's tenant (the workspace), its Harbor Bakery client, and another tenant with a client of its own. */
  let tenant: string;
  let customer: string;
  let otherTenant: string;
  let otherCustomer: string;
  let clock = Date.now();
  const now = () => new Date(clock);
  let n = 0;
  const unique = () => `${Date.now().toString(36)}-${++n}`;
  const config = PortalConfigSchema.parse({ appUrl: 'http://portal.test', portalPath: '/portal', sessionSecret: 's'.repeat(40) });
  // One workspace for every test (the seed's tenant): an address of its own per test keeps the
  // per-address limits apart, also when the mutation runner runs the file again on the same database.
  let meta = { ip: 'unset', userAgent: 'test agent' };
  beforeEach(function () {
    meta = { ip: `ip-${unique()}`, userAgent: 'test agent' };
  });
  let staff = { id: 'unset', workspaceId: 'unset', name: 'Alice Admin', email: 'alice@northwind.example', role: 'admin' as const };

  /** A contact of the host with a client login (or without, `password` null); a fresh email each time. */
  async function hostLogin(
    password: string | null = 'host password 1',
    where = { tenant: '', client: '' },
  ): Promise<{ contactId: string; email: string }> {
    const t = where.tenant || tenant;
    const email = `login-${unique()}@example.test`;
    const [row] = await db('contacts')
      .insert({ tenant: t, client_id: where.client || customer, full_name: 'Lou Login', email, is_inactive: false, is_client_admin: false })
      .returning('contact_name_id');
    const contactId = String((row as { contact_name_id: string }).contact_name_id);
    if (password) await clientLogin(t, contactId, email, password);
    return { contactId, email };
  }
  /** A client login as Alga's invitation acceptance creates it (username = email). */
  async function clientLogin(t: string, contactId: string, email: string, password: string): Promise<void> {
    await db('users').insert({
      tenant: t,
      username: email,
      email,
      first_name: 'Lou',
      last_name: 'Login',
      hashed_password: await algaHash(password),
      user_type: 'client',
      contact_id: contactId,
      is_inactive: false,
      two_factor_enabled: false,
      is_google_user: false,
    });
  }
  function userOf(result: SignInResult): ClientUserRow {
    if (!result.ok) throw new Error(`not signed in: ${result.reason}`);
    return result.user;
  }
  /** Staff switch the contact's client login off in Alga. */
  const switchOff = (contactId: string) =>
    db('users').where({ tenant, contact_id: contactId, user_type: 'client' }).update({ is_inactive: true });

  async function mailTo(email: string): Promise<CapturedMessage[]> {
    await outbox.drain();
    return smtp.messages.filter((message) => message.to.includes(email.toLowerCase()));
  }
  const tokenIn = (message: CapturedMessage, path: string) => new RegExp(`${path}/([A-Za-z0-9_-]{43})$`, 'm').exec(message.text)![1]!;
  const codeIn = (message: CapturedMessage) => /^(\d{6})$/m.exec(message.text)![1]!;
  const lastEvent = async () =>
    db('client_activity_logs').where({ workspace_id: workspace.id }).orderBy('id', 'desc').first('event', 'email', 'details');

  before(async function () {
    if (reason) this.skip();
    database = await reusableTestDatabase('security-core-alga-psa');
    db = createKnex(database.url, 3);
    // Kept between runs of the mutation test runner: the schema is loaded and seeded once.
    if (!(await db.schema.hasTable('tenants'))) await loadAlgaSchema(database.url);
    if (!(await db('tenants').where({ client_name: 'Northwind IT' }).first())) {
      storageRoot = mkdtempSync(path.join(tmpdir(), 'alga-storage-'));
      await seedAlga(db, storageRoot);
    }
    tenant = (await db('tenants').where({ client_name: 'Northwind IT' }).first('tenant')).tenant;
    otherTenant = (await db('tenants').where({ client_name: 'Contoso Managed Services' }).first('tenant')).tenant;
    customer = (await db('clients').where({ tenant, client_name: 'Harbor Bakery' }).first('client_id')).client_id;
    otherCustomer = (await db('clients').where({ tenant: otherTenant, client_name: 'Harbor Bakery' }).first('client_id')).client_id;
    const admin = await db('users').where({ tenant, username: 'alice' }).first('user_id');
    staff = { ...staff, id: admin.user_id, workspaceId: tenant };
    await migratePortal(db);
    smtp = await startSmtpCapture();
    outbox = new MailOutbox({
      db,
      transport: createMailer({ smtpUrl: smtp.url, from: 'Portal <portal@agency.test>' }),
      secret: config.sessionSecret,
      now,
      logger: { info: () => {}, error: (m, e) => console.error(m, e) },
      wakeOnSend: false,
    });
    adapter = createAlgaPsaAdapter(db, { nextAuthSecret: NEXTAUTH_SECRET });
    workspace = (await adapter.workspaces.findById(tenant))!;
    auth = new AuthService({
      db,
      adapter,
      mailer: outbox.mailer,
      config,
      links: createPortalLinks(config),
      limiter: new RateLimiter(db, () => clock),
      guard: new RepeatGuard(db, () => clock),
      now,
    });
  });
  after(async function () {
    await outbox?.stop();
    await smtp?.stop();
    await db?.destroy();
    await database?.drop();
    if (storageRoot) rmSync(storageRoot, { recursive: true, force: true });
  });

  if (reason) it(`is skipped: ${reason}`, () => {});
  it("signs in with the host's password, linking a client user on first use", async function () {
    const login = await hostLogin('host password 1');
    expect(await auth.signInWithPassword(workspace, login.email, 'wrong password', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect((await lastEvent()).details).to.deep.equal({ method: 'password', reason: 'unknown_email' });
    expect(await findClientUserByContact(db, workspace.id, login.contactId)).to.equal(null);
    const first = await auth.signInWithPassword(workspace, login.email, 'host password 1', meta);
    expect(first.ok && first.user).to.include({
      contact_id: login.contactId,
      email: login.email,
      status: 'active',
      client_id: customer,
      password_hash: null,
    });
    const again = await auth.signInWithPassword(workspace, login.email, 'host password 1', meta);
    expect(again.ok && again.user.id).to.equal(first.ok && first.user.id);
    expect(await auth.signInWithPassword(workspace, login.email, 'wrong password', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect((await lastEvent()).details).to.deep.equal({ method: 'password', reason: 'wrong_password' });
    expect(await auth.hasPassword(workspace, userOf(first))).to.equal(true);
    const noLogin = await hostLogin(null);
    const user = await insertClientUser(db, {
      workspaceId: workspace.id,
      clientId: customer,
      contactId: noLogin.contactId,
      email: noLogin.email,
      status: 'active',
      passwordHash: 'portal-hash',
    });
    expect(await auth.hasPassword(workspace, user)).to.equal(false);
  });

  it('links one client user when two first sign-ins come at once', async function () {
    const login = await hostLogin('host password 1');
    const [a, b] = await Promise.all([
      auth.signInWithPassword(workspace, login.email, 'host password 1', meta),
      auth.signInWithPassword(workspace, login.email, 'host password 1', { ...meta, ip: `${meta.ip}-b` }),
    ]);
    expect(a.ok && b.ok && a.user.id === b.user.id).to.equal(true);
  });

  it('refuses a password that belongs to another contact than the one linked', async function () {
    const linked = await hostLogin('host password 1');
    const user = await auth.signInWithPassword(workspace, linked.email, 'host password 1', meta);
    expect(user.ok).to.equal(true);
    // The host moved the email to another contact with its own login.
    const email = `moved-${unique()}@example.test`;
    await db('contacts').where({ tenant, contact_name_id: linked.contactId }).update({ email });
    await db('users').where({ tenant, contact_id: linked.contactId, user_type: 'client' }).update({ email, username: email });
    const other = await hostLogin(null);
    await db('contacts').where({ tenant, contact_name_id: other.contactId }).update({ email: linked.email });
    await clientLogin(tenant, other.contactId, linked.email, 'other password 1');
    expect(await auth.signInWithPassword(workspace, linked.email, 'other password 1', meta)).to.deep.equal({
      ok: false,
      reason: 'invalid',
    });
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
    await db('client_sessions').insert({
      sid,
      sess: JSON.stringify({
        portal: { workspaceId: workspace.id, clientUserId: user.id, signedInAt: now().toISOString(), ip: null, userAgent: null },
      }),
      expire: new Date(Date.now() + 3_600_000),
    });
    expect((await auth.setPasswordFromLink(workspace, 'reset', token, 'new host password', meta))!.id).to.equal(user.id);
    expect(await db('client_sessions').where({ sid }).first()).to.equal(undefined);
    expect((await findClientUserById(db, workspace.id, user.id))!.password_hash).to.equal(null);
    expect(contactOf(await adapter.credentials!.verifyPassword(workspace.id, login.email, 'new host password'))?.id).to.equal(
      login.contactId,
    );
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
    expect(await auth.changePassword(workspace, user, 'not it', 'host password 2', 'keep', meta)).to.deep.equal({
      ok: false,
      reason: 'wrong_password',
    });
    expect(await auth.changePassword(workspace, user, 'host password 1', 'host password 2', 'keep', meta)).to.deep.equal({ ok: true });
    expect(contactOf(await adapter.credentials!.verifyPassword(workspace.id, login.email, 'host password 2'))?.id).to.equal(
      login.contactId,
    );
    expect((await findClientUserById(db, workspace.id, user.id))!.password_hash).to.equal(null);
    await switchOff(login.contactId);
    expect(await auth.checkCurrentPassword(workspace, user, 'host password 2', 'email_change', meta)).to.deep.equal({
      ok: false,
      reason: 'wrong_password',
    });
  });
  it('signs nobody in with a login of another tenant, with the right password or a code', async function () {
    const elsewhere = await hostLogin('host password 1', { tenant: otherTenant, client: otherCustomer });
    expect(await auth.signInWithPassword(workspace, elsewhere.email, 'host password 1', meta)).to.deep.equal({
      ok: false,
      reason: 'invalid',
    });
    expect(await auth.requestCode(workspace, elsewhere.email, meta)).to.deep.equal({ ok: true });
    expect(await mailTo(elsewhere.email)).to.deep.equal([]);
    expect(await db('client_users').where({ contact_id: elsewhere.contactId })).to.deep.equal([]);
  });
});
