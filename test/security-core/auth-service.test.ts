// Sign-in (src/features/account/sign-in/auth-service.ts, token-queries.ts) on a real database, with the real outbox
// delivering to the in-process SMTP server and a clock the test moves: one-time codes work once,
// only the newest, until they expire or are guessed wrong five times; passwords lock an account
// after five failures; reset and invitation links work once, only the newest, until they expire;
// setting a password from a link, or changing it, voids every other link and code and ends the
// client's other sessions; unknown, disabled and other workspaces' clients get nothing.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { AuthService, CODE_TTL_MINUTES, INVITE_TTL_DAYS, RESET_TTL_MINUTES } from '../../src/features/account/sign-in/auth-service.ts';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { consumeLoginCode, consumeUserToken } from '../../src/features/account/sign-in/token-queries.ts';
import { findClientUserById, insertClientUser, setClientUserStatus, type ClientUserRow } from '../../src/core/client-users/queries.ts';
import { PortalConfigSchema } from '../../src/core/config.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { MailOutbox } from '../../src/core/mail/outbox.ts';
import type { HostContact, HostStaffUser, HostWorkspace } from '../../src/core/ports/host.ts';
import { RateLimiter } from '../../src/core/rate-limits/limiter.ts';
import { REPEAT_WINDOW_MS, RepeatGuard } from '../../src/core/rate-limits/repeat-guard.ts';
import { hashSessionId } from '../../src/core/sessions/portal-sessions.ts';
import { saveSettings } from '../../src/core/settings/queries.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from '../support/smtp-capture.ts';
import { createHostTables, hostAdapter } from '../support/test-host.ts';
import { createPortalLinks } from '../../src/core/web/portal-links.ts';

const MINUTE = 60_000;

describe('sign-in service', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let smtp: SmtpCapture;
  let outbox: MailOutbox;
  let auth: AuthService;
  let clock = Date.now();
  const now = () => new Date(clock);
  const advance = (ms: number) => {
    clock += ms;
  };
  let n = 0;
  const unique = () => `${Date.now().toString(36)}-${++n}`;
  const config = PortalConfigSchema.parse({ appUrl: 'http://portal.test/', portalPath: '/clients', sessionSecret: 's'.repeat(40) });
  const meta = { ip: '203.0.113.7', userAgent: 'test agent' };
  const staff: HostStaffUser = { id: 'staff-1', workspaceId: '0', name: 'Ada Admin', email: 'ada@agency.test', role: 'admin' };

  interface World {
    workspace: HostWorkspace;
    contact(email?: string): Promise<HostContact>;
    user(input?: { status?: ClientUserRow['status']; password?: string; email?: string }): Promise<ClientUserRow>;
  }

  /** A workspace of its own per test, so limits, guards and logs never meet another test's. */
  async function world(): Promise<World> {
    const slug = `ws-${unique()}`;
    const [row] = await db('workspaces')
      .insert({ slug, name: `Agency ${slug}` })
      .returning('id');
    const workspace = (await hostAdapter(db).workspaces.findById(String((row as { id: number }).id)))!;
    const [clientRow] = await db('clients')
      .insert({ workspace_id: Number(workspace.id), name: 'Client' })
      .returning('id');
    const clientId = String((clientRow as { id: number }).id);
    const contact = async (email = `person-${unique()}@example.test`) => {
      const [c] = await db('contacts')
        .insert({ workspace_id: Number(workspace.id), client_id: Number(clientId), name: 'Pat Person', email })
        .returning('id');
      return (await hostAdapter(db).contacts.findById(workspace.id, String((c as { id: number }).id)))!;
    };
    return {
      workspace,
      contact,
      async user(input = {}) {
        const person = await contact(input.email);
        return insertClientUser(db, {
          workspaceId: workspace.id,
          clientId,
          contactId: person.id,
          email: person.email,
          status: input.status ?? 'active',
          ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
        });
      },
    };
  }

  async function mailTo(email: string): Promise<CapturedMessage[]> {
    await outbox.drain();
    return smtp.messages.filter((message) => message.to.includes(email.toLowerCase()));
  }

  const codeIn = (message: CapturedMessage) => /^(\d{6})$/m.exec(message.text)![1]!;
  const tokenIn = (message: CapturedMessage, path: string) => new RegExp(`${path}/([A-Za-z0-9_-]{43})$`, 'm').exec(message.text)![1]!;

  async function activity(workspace: HostWorkspace): Promise<
    Array<{
      event: string;
      email: string | null;
      client_user_id: string | null;
      client_id: string | null;
      details: Record<string, unknown>;
      ip: string | null;
      user_agent: string | null;
    }>
  > {
    return db('client_activity_logs')
      .where({ workspace_id: workspace.id })
      .orderBy('id')
      .select('event', 'email', 'client_user_id', 'client_id', 'details', 'ip', 'user_agent');
  }

  async function sessionOf(user: ClientUserRow, workspaceId = user.workspace_id): Promise<string> {
    const sid = hashSessionId(unique());
    await db('client_sessions').insert({
      sid,
      sess: JSON.stringify({ portal: { workspaceId, clientUserId: user.id, signedInAt: now().toISOString(), ip: null, userAgent: null } }),
      expire: new Date(Date.now() + 3_600_000),
    });
    return sid;
  }
  const sessionsLeft = (sids: string[]) => db('client_sessions').whereIn('sid', sids).orderBy('sid').pluck('sid');

  /** Asks for a code and returns the one emailed. */
  async function emailedCode(workspace: HostWorkspace, user: ClientUserRow): Promise<string> {
    expect(await auth.requestCode(workspace, user.email, meta)).to.deep.equal({ ok: true });
    const mail = await mailTo(user.email);
    return codeIn(mail.at(-1)!);
  }

  before(async function () {
    database = await reusableTestDatabase('security-core');
    db = createKnex(database.url, 3);
    await migratePortal(db);
    await createHostTables(db);
    smtp = await startSmtpCapture();
    const logger = { info: () => {}, error: (message: string, err: unknown) => console.error(message, err) };
    outbox = new MailOutbox({
      db,
      transport: createMailer({ smtpUrl: smtp.url, from: 'Portal <portal@agency.test>' }),
      secret: config.sessionSecret,
      now,
      logger,
      wakeOnSend: false,
    });
    const adapter = hostAdapter(db);
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
  });

  describe('one-time codes', function () {
    it('emails a code that signs the client in once', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const code = await emailedCode(workspace, client);
      const [mail] = await mailTo(client.email);
      expect(mail!.subject).to.include(workspace.name);
      expect(mail!.text).to.include(`http://portal.test/clients/${workspace.slug}/sign-in/code`);
      expect(mail!.text).to.include(`${CODE_TTL_MINUTES}`);
      const first = await auth.signInWithCode(workspace, client.email, code, meta);
      expect(first.ok && first.user.id).to.equal(client.id);
      // Logged and timed once the sign-in completes (after a second factor where one is asked).
      expect((await findClientUserById(db, workspace.id, client.id))!.last_sign_in_at).to.equal(null);
      if (first.ok) await auth.signInCompleted(workspace, first.user, 'code', meta);
      expect((await findClientUserById(db, workspace.id, client.id))!.last_sign_in_at).to.be.instanceOf(Date);
      expect(await auth.signInWithCode(workspace, client.email, code, meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      const log = await activity(workspace);
      expect(log.map((e) => [e.event, e.client_user_id, e.details])).to.deep.equal([
        ['sign_in_code.requested', client.id, { known: true }],
        ['sign_in.succeeded', client.id, { method: 'code' }],
        ['sign_in.failed', client.id, { method: 'code', reason: 'no_live_code' }],
      ]);
      expect(log.at(-1)!.email).to.equal(client.email);
      expect(log[0]).to.include({
        email: client.email,
        client_user_id: client.id,
        client_id: client.client_id,
        ip: meta.ip,
        user_agent: meta.userAgent,
      });
    });

    it('answers an unknown or disabled email the same, sending nothing and storing no code', async function () {
      const { workspace, user } = await world();
      const disabled = await user({ status: 'disabled' });
      const stranger = `nobody-${unique()}@example.test`;
      expect(await auth.requestCode(workspace, stranger, meta)).to.deep.equal({ ok: true });
      expect(await auth.requestCode(workspace, disabled.email, meta)).to.deep.equal({ ok: true });
      expect(await mailTo(stranger)).to.deep.equal([]);
      expect(await mailTo(disabled.email)).to.deep.equal([]);
      expect(
        await db('client_login_codes')
          .where({ client_user_id: disabled.id })
          .count('* as n')
          .first()
          .then((r) => Number(r?.n)),
      ).to.equal(0);
      const log = await activity(workspace);
      expect(log.map((e) => [e.event, e.email, e.details])).to.deep.equal([
        ['sign_in_code.requested', stranger, { known: false }],
        ['sign_in_code.requested', disabled.email, { known: false }],
      ]);
      expect(await auth.signInWithCode(workspace, stranger, '123456', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      expect(await auth.signInWithCode(workspace, disabled.email, '123456', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      expect((await activity(workspace)).slice(2).map((e) => e.details)).to.deep.equal([
        { method: 'code', reason: 'unknown_email' },
        { method: 'code', reason: 'no_live_code' },
      ]);
    });

    it('writes the code email in the language asked for when the client chose none', async function () {
      const { workspace, user } = await world();
      const client = await user();
      await auth.requestCode(workspace, client.email, meta, 'de');
      const [mail] = await mailTo(client.email);
      expect(mail!.text).to.match(/Minuten/);
    });

    it('takes a double click as one request, and a later request replaces the earlier code', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const first = await emailedCode(workspace, client);
      expect(await auth.requestCode(workspace, client.email, meta)).to.deep.equal({ ok: true });
      expect(await mailTo(client.email)).to.have.length(1);
      advance(REPEAT_WINDOW_MS + 1000);
      const second = await emailedCode(workspace, client);
      expect(await mailTo(client.email)).to.have.length(2);
      if (first !== second)
        expect(await auth.signInWithCode(workspace, client.email, first, meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      expect((await auth.signInWithCode(workspace, client.email, second, meta)).ok).to.equal(true);
    });

    it('expires a code after its time', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const code = await emailedCode(workspace, client);
      advance(CODE_TTL_MINUTES * MINUTE - 1000);
      const late = await world();
      const other = await late.user();
      const otherCode = await emailedCode(late.workspace, other);
      expect((await auth.signInWithCode(workspace, client.email, code, meta)).ok).to.equal(true);
      advance(CODE_TTL_MINUTES * MINUTE + 1000);
      expect(await auth.signInWithCode(late.workspace, other.email, otherCode, meta)).to.deep.equal({ ok: false, reason: 'invalid' });
    });

    it('signs in once for a code sent twice at the same moment, logging the other as already used', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const code = await emailedCode(workspace, client);
      const results = await Promise.all([
        auth.signInWithCode(workspace, client.email, code, meta),
        auth.signInWithCode(workspace, client.email, code, meta),
      ]);
      expect(results.filter((result) => result.ok)).to.have.length(1);
      expect(results.filter((result) => !result.ok)).to.deep.equal([{ ok: false, reason: 'invalid' }]);
      const failed = (await activity(workspace)).filter((e) => e.event === 'sign_in.failed');
      expect(failed.map((e) => e.client_user_id)).to.deep.equal([client.id]);
      expect(['code_already_used', 'no_live_code']).to.include(failed[0]!.details.reason);
    });

    /**
     * Starts `uses` and holds each of them at its consumption, the UPDATE that sets `column` on
     * `table`, until two wait there (each past its check: a code's try is counted by an UPDATE of
     * the same row, so a row lock would hold the uses before their check instead); then lets them
     * go and returns what they answered. The hold is a statement trigger that waits on an advisory
     * lock the test keeps, dropped again afterwards. Real PostgreSQL only: the embedded database
     * serves every connection from one session, so nothing can wait on a lock there.
     */
    async function heldAtConsumption<T>(table: string, column: string, uses: () => Array<Promise<T>>): Promise<T[]> {
      const key = 72_27_01;
      const consumption = `update "${table}" set "${column}"%`;
      const holder = createKnex(database.url, 1);
      await db.raw(
        `create function hold_consumption() returns trigger language plpgsql as $$
         begin
           if current_query() ilike '${consumption}' then perform pg_advisory_xact_lock(${key}); end if;
           return null;
         end $$`,
      );
      await db.raw(`create trigger hold_consumption before update on "${table}" for each statement execute function hold_consumption()`);
      try {
        const lock = await holder.transaction();
        await lock.raw('select pg_advisory_xact_lock(?)', [key]);
        const running = uses();
        const waiting = async () =>
          Number(
            (
              (await db.raw(
                "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event = 'advisory' and query ilike ?",
                [consumption],
              )) as { rows: Array<{ n: number }> }
            ).rows[0]!.n,
          );
        for (let tries = 0; (await waiting()) < 2; tries++) {
          if (tries > 400) throw new Error('the two uses never reached the consumption');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await lock.commit();
        return await Promise.all(running);
      } finally {
        await holder.destroy();
        await db.raw(`drop trigger hold_consumption on "${table}"`);
        await db.raw('drop function hold_consumption()');
      }
    }

    it('refuses the second of two uses of a code that both passed the check, logging it as already used', async function () {
      // Both uses held at the consumption by an advisory lock (heldAtConsumption): real PostgreSQL only.
      if (database.mode === 'embedded') this.skip();
      const { workspace, user } = await world();
      const client = await user();
      const code = await emailedCode(workspace, client);
      const results = await heldAtConsumption('client_login_codes', 'consumed_at', () => [
        auth.signInWithCode(workspace, client.email, code, meta),
        auth.signInWithCode(workspace, client.email, code, meta),
      ]);
      expect(results.filter((result) => result.ok)).to.have.length(1);
      expect(results.filter((result) => !result.ok)).to.deep.equal([{ ok: false, reason: 'invalid' }]);
      const failed = (await activity(workspace)).filter((e) => e.event === 'sign_in.failed');
      expect(failed.map((e) => [e.client_user_id, e.details])).to.deep.equal([
        [client.id, { method: 'code', reason: 'code_already_used' }],
      ]);
    });

    it('sets a password once for two uses of a link that both passed the check', async function () {
      // Both uses held at the consumption by an advisory lock (heldAtConsumption): real PostgreSQL only.
      if (database.mode === 'embedded') this.skip();
      const { workspace, user } = await world();
      const client = await user({ password: 'forgotten password' });
      expect(await auth.requestPasswordReset(workspace, client.email, meta)).to.deep.equal({ ok: true });
      const token = tokenIn((await mailTo(client.email)).at(-1)!, '/password/reset');
      const results = await heldAtConsumption('client_user_tokens', 'used_at', () => [
        auth.setPasswordFromLink(workspace, 'reset', token, 'first new password', meta),
        auth.setPasswordFromLink(workspace, 'reset', token, 'second new password', meta),
      ]);
      expect(results.filter((result) => result !== null)).to.have.length(1);
      expect((await activity(workspace)).filter((e) => e.event === 'password.reset')).to.have.length(1);
    });

    it('consumes a code or a link once: a second consumption reports that it found nothing', async function () {
      const { workspace, user } = await world();
      const client = await user();
      await emailedCode(workspace, client);
      const code = (await db('client_login_codes').where({ client_user_id: client.id }).orderBy('id', 'desc').first('id')) as {
        id: string;
      };
      expect(await consumeLoginCode(db, workspace.id, String(code.id))).to.equal(true);
      expect(await consumeLoginCode(db, workspace.id, String(code.id))).to.equal(false);
      expect(await auth.requestPasswordReset(workspace, client.email, meta)).to.deep.equal({ ok: true });
      const token = (await db('client_user_tokens').where({ client_user_id: client.id }).orderBy('id', 'desc').first('id')) as {
        id: string;
      };
      const [first, second] = await Promise.all([
        consumeUserToken(db, workspace.id, String(token.id)),
        consumeUserToken(db, workspace.id, String(token.id)),
      ]);
      expect([first, second].sort()).to.deep.equal([false, true]);
    });

    it('sets a password once for a reset link used twice at the same moment', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'forgotten password' });
      expect(await auth.requestPasswordReset(workspace, client.email, meta)).to.deep.equal({ ok: true });
      const token = tokenIn((await mailTo(client.email)).at(-1)!, '/password/reset');
      const results = await Promise.all([
        auth.setPasswordFromLink(workspace, 'reset', token, 'first new password', meta),
        auth.setPasswordFromLink(workspace, 'reset', token, 'second new password', meta),
      ]);
      expect(results.filter((result) => result !== null)).to.have.length(1);
      expect((await activity(workspace)).filter((e) => e.event === 'password.reset')).to.have.length(1);
    });

    it('burns a code at the fifth wrong guess, and a right one before that still works', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const code = await emailedCode(workspace, client);
      const wrong = code === '000000' ? '000001' : '000000';
      for (let i = 0; i < 4; i++)
        expect(await auth.signInWithCode(workspace, client.email, wrong, meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      expect((await auth.signInWithCode(workspace, client.email, code, meta)).ok).to.equal(true);

      advance(REPEAT_WINDOW_MS + 1000);
      const next = await emailedCode(workspace, client);
      const wrongAgain = next === '000000' ? '000001' : '000000';
      for (let i = 0; i < 5; i++) await auth.signInWithCode(workspace, client.email, wrongAgain, meta);
      expect(await auth.signInWithCode(workspace, client.email, next, meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      const failed = (await activity(workspace)).filter((e) => e.details.reason === 'wrong_code');
      expect(failed.map((e) => e.client_user_id)).to.deep.equal(Array(9).fill(client.id));
      const failures = failed.map((e) => e.details);
      expect(failures.at(3)).to.deep.equal({ method: 'code', reason: 'wrong_code', attempts: 4, burned: false });
      expect(failures.at(-1)).to.deep.equal({ method: 'code', reason: 'wrong_code', attempts: 5, burned: true });
      expect(failures.at(-1)).to.not.equal(undefined);
      expect((await activity(workspace)).at(-1)!.details).to.deep.equal({ method: 'code', reason: 'no_live_code' });
    });

    it('limits code requests per email, remembering the limit for a repeat', async function () {
      const { workspace, user } = await world();
      const client = await user();
      for (let i = 0; i < 3; i++) {
        expect(await auth.requestCode(workspace, client.email, meta)).to.deep.equal({ ok: true });
        advance(REPEAT_WINDOW_MS + 1000);
      }
      expect(await auth.requestCode(workspace, client.email, meta)).to.deep.equal({ ok: false, retryAfterSeconds: 900 });
      advance(1000);
      expect(await auth.requestCode(workspace, client.email, meta)).to.deep.equal({ ok: false, retryAfterSeconds: 900 });
      expect(await mailTo(client.email)).to.have.length(3);
    });

    it('limits code requests per address, whatever the email', async function () {
      const { workspace } = await world();
      const ip = { ...meta, ip: `198.51.100.${n % 250}` };
      for (let i = 0; i < 10; i++)
        expect(await auth.requestCode(workspace, `spray-${i}-${unique()}@example.test`, ip)).to.deep.equal({ ok: true });
      expect(await auth.requestCode(workspace, `spray-x-${unique()}@example.test`, ip)).to.deep.equal({
        ok: false,
        retryAfterSeconds: 900,
      });
      expect(await auth.requestCode(workspace, `spray-y-${unique()}@example.test`, meta)).to.deep.equal({ ok: true });
    });

    it('limits code checks per address, and logs the lockout', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const code = await emailedCode(workspace, client);
      const ip = { ...meta, ip: '192.0.2.99' };
      for (let i = 0; i < 30; i++) await auth.signInWithCode(workspace, `guess-${i}@example.test`, '111111', ip);
      expect(await auth.signInWithCode(workspace, client.email, code, ip)).to.deep.equal({
        ok: false,
        reason: 'limited',
        retryAfterSeconds: 900,
      });
      expect((await activity(workspace)).at(-1)).to.include({ event: 'sign_in.locked', email: client.email });
      expect((await activity(workspace)).at(-1)!.details).to.deep.equal({ method: 'code' });
      expect((await auth.signInWithCode(workspace, client.email, code, meta)).ok).to.equal(true);
    });

    it('forgets a request that failed, so trying again at once does it', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const broken = new AuthService({
        db,
        adapter: hostAdapter(db),
        mailer: { send: () => Promise.reject(new Error('down')), sendIf: () => Promise.reject(new Error('down')) },
        config,
        links: createPortalLinks(config),
        limiter: new RateLimiter(db, () => clock),
        guard: new RepeatGuard(db, () => clock),
        now,
      });
      let failed: unknown;
      await broken.requestCode(workspace, client.email, meta).catch((err) => (failed = err));
      expect(String(failed)).to.include('down');
      expect(
        await db('client_login_codes')
          .where({ client_user_id: client.id })
          .count('* as n')
          .first()
          .then((r) => Number(r?.n)),
      ).to.equal(0);
      await emailedCode(workspace, client);
      expect(await mailTo(client.email)).to.have.length(1);
    });
  });

  describe('passwords', function () {
    it('signs in with the right password only, and says why in the log', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'correct horse battery' });
      const noPassword = await user();
      const disabled = await user({ password: 'correct horse battery', status: 'disabled' });
      const stranger = `nobody-${unique()}@example.test`;
      expect(await auth.signInWithPassword(workspace, client.email, 'wrong horse', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      expect(await auth.signInWithPassword(workspace, stranger, 'correct horse battery', meta)).to.deep.equal({
        ok: false,
        reason: 'invalid',
      });
      expect(await auth.signInWithPassword(workspace, noPassword.email, '', meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      expect(await auth.signInWithPassword(workspace, disabled.email, 'correct horse battery', meta)).to.deep.equal({
        ok: false,
        reason: 'invalid',
      });
      const ok = await auth.signInWithPassword(workspace, client.email, 'correct horse battery', meta);
      expect(ok.ok && ok.user.id).to.equal(client.id);
      expect((await activity(workspace)).map((e) => e.event)).to.not.include('sign_in.succeeded');
      if (ok.ok) await auth.signInCompleted(workspace, ok.user, 'password', meta);
      expect((await findClientUserById(db, workspace.id, client.id))!.last_sign_in_at).to.be.instanceOf(Date);
      expect((await activity(workspace)).map((e) => [e.event, e.email, e.details])).to.deep.equal([
        ['sign_in.failed', client.email, { method: 'password', reason: 'wrong_password' }],
        ['sign_in.failed', stranger, { method: 'password', reason: 'unknown_email' }],
        ['sign_in.failed', noPassword.email, { method: 'password', reason: 'wrong_password' }],
        ['sign_in.failed', disabled.email, { method: 'password', reason: 'wrong_password' }],
        ['sign_in.succeeded', client.email, { method: 'password' }],
      ]);
      expect(await auth.hasPassword(workspace, client)).to.equal(true);
      expect(await auth.hasPassword(workspace, noPassword)).to.equal(false);
    });

    it('locks an account after five failures, and a success clears the count', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'correct horse battery' });
      for (let i = 0; i < 4; i++) await auth.signInWithPassword(workspace, client.email, `wrong ${i}`, meta);
      expect((await auth.signInWithPassword(workspace, client.email, 'correct horse battery', meta)).ok).to.equal(true);
      for (let i = 0; i < 5; i++)
        expect(await auth.signInWithPassword(workspace, client.email, `wrong ${i}`, meta)).to.deep.equal({ ok: false, reason: 'invalid' });
      expect(await auth.signInWithPassword(workspace, client.email, 'correct horse battery', meta)).to.deep.equal({
        ok: false,
        reason: 'limited',
        retryAfterSeconds: 900,
      });
      const last = (await activity(workspace)).at(-1)!;
      expect([last.event, last.email, last.details]).to.deep.equal(['sign_in.locked', client.email, { method: 'password' }]);
    });

    it('limits password attempts per address across accounts', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'correct horse battery' });
      const ip = { ...meta, ip: '192.0.2.150' };
      for (let i = 0; i < 30; i++) await auth.signInWithPassword(workspace, `spray-${i}@example.test`, 'guess', ip);
      expect(await auth.signInWithPassword(workspace, client.email, 'correct horse battery', ip)).to.deep.equal({
        ok: false,
        reason: 'limited',
        retryAfterSeconds: 900,
      });
    });

    it('changes a password after checking the current one, ending the other sessions and voiding links and codes', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'old password here' });
      const neighbour = await user({ password: 'old password here' });
      expect(await auth.requestPasswordReset(workspace, client.email, meta)).to.deep.equal({ ok: true });
      const resetToken = tokenIn((await mailTo(client.email))[0]!, '/password/reset');
      await emailedCode(workspace, client);
      const [current, other, theirs] = [await sessionOf(client), await sessionOf(client), await sessionOf(neighbour)];

      expect(await auth.changePassword(workspace, client, 'not it', 'new password here', current, meta)).to.deep.equal({
        ok: false,
        reason: 'wrong_password',
      });
      expect(await auth.changePassword(workspace, client, 'old password here', 'new password here', current, meta)).to.deep.equal({
        ok: true,
      });
      expect(await sessionsLeft([current, other, theirs])).to.deep.equal([current, theirs].sort());
      expect(await auth.findLinkUser(workspace, 'reset', resetToken)).to.equal(null);
      expect(
        await db('client_login_codes')
          .where({ client_user_id: client.id })
          .whereNull('consumed_at')
          .count('* as n')
          .first()
          .then((r) => Number(r?.n)),
      ).to.equal(0);
      expect((await auth.signInWithPassword(workspace, client.email, 'new password here', meta)).ok).to.equal(true);
      expect((await auth.signInWithPassword(workspace, neighbour.email, 'old password here', meta)).ok).to.equal(true);
      const log = await activity(workspace);
      expect(log.filter((e) => e.event === 'password.changed').map((e) => [e.client_user_id, e.details])).to.deep.equal([[client.id, {}]]);
      expect(log.find((e) => e.event === 'sign_in.failed')).to.deep.include({
        client_user_id: client.id,
        details: { method: 'password_change', reason: 'wrong_password' },
      });
    });

    it('voids only the links of the client whose password changed', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'old password here' });
      const neighbour = await user({ password: 'old password here' });
      await auth.requestPasswordReset(workspace, neighbour.email, meta);
      const token = tokenIn((await mailTo(neighbour.email))[0]!, '/password/reset');
      expect(await auth.changePassword(workspace, client, 'old password here', 'new password here', 'none', meta)).to.deep.equal({
        ok: true,
      });
      expect((await auth.findLinkUser(workspace, 'reset', token))!.id).to.equal(neighbour.id);
    });

    it('limits current-password checks per client, counting before the check', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'old password here' });
      for (let i = 0; i < 4; i++) await auth.checkCurrentPassword(workspace, client, 'nope', 'two_factor', meta);
      expect(await auth.checkCurrentPassword(workspace, client, 'old password here', 'two_factor', meta)).to.deep.equal({ ok: true });
      for (let i = 0; i < 5; i++)
        expect(await auth.checkCurrentPassword(workspace, client, 'nope', 'two_factor', meta)).to.deep.equal({
          ok: false,
          reason: 'wrong_password',
        });
      expect(await auth.checkCurrentPassword(workspace, client, 'old password here', 'two_factor', meta)).to.deep.equal({
        ok: false,
        reason: 'limited',
        retryAfterSeconds: 900,
      });
      const last = (await activity(workspace)).at(-1)!;
      expect([last.event, last.client_user_id, last.details]).to.deep.equal(['sign_in.locked', client.id, { method: 'two_factor' }]);
      const noPassword = await user();
      expect(await auth.checkCurrentPassword(workspace, noPassword, '', 'two_factor', meta)).to.deep.equal({
        ok: false,
        reason: 'wrong_password',
      });
    });

    it('sets a first password for a client who signed in with codes, ending the other sessions', async function () {
      const { workspace, user } = await world();
      const client = await user();
      const [current, other] = [await sessionOf(client), await sessionOf(client)];
      expect(await auth.setFirstPassword(workspace, client, 'first password here', current, meta)).to.deep.equal({ ok: true });
      expect(await sessionsLeft([current, other])).to.deep.equal([current]);
      expect((await auth.signInWithPassword(workspace, client.email, 'first password here', meta)).ok).to.equal(true);
      expect((await activity(workspace)).find((e) => e.event === 'password.changed')).to.deep.include({
        client_user_id: client.id,
        details: { first: true },
      });
      await auth.logSignOut(workspace, client, meta);
      expect((await activity(workspace)).at(-1)).to.include({ event: 'sign_out', client_user_id: client.id });
    });
  });

  describe('reset links', function () {
    it('emails a link that sets the password once, ending every session of the client and voiding other links', async function () {
      const { workspace, user } = await world();
      const client = await user({ password: 'forgotten password' });
      const neighbour = await user();
      const sessions = [
        await sessionOf(client),
        await sessionOf(client),
        await sessionOf(neighbour),
        await sessionOf(client, 'another-workspace'),
      ];
      await emailedCode(workspace, client);
      advance(REPEAT_WINDOW_MS + 1000);
      expect(await auth.requestPasswordReset(workspace, client.email, meta)).to.deep.equal({ ok: true });
      const mail = (await mailTo(client.email)).at(-1)!;
      expect(mail.text).to.include(`http://portal.test/clients/${workspace.slug}/password/reset/`);
      expect(mail.text).to.include(String(RESET_TTL_MINUTES));
      const token = tokenIn(mail, '/password/reset');
      expect((await auth.findLinkUser(workspace, 'reset', token))!.id).to.equal(client.id);
      expect(await auth.findLinkUser(workspace, 'invite', token)).to.equal(null);

      const done = await auth.setPasswordFromLink(workspace, 'reset', token, 'a brand new password', meta);
      expect(done!.id).to.equal(client.id);
      expect(await sessionsLeft(sessions)).to.deep.equal([sessions[2]!, sessions[3]!].sort());
      expect(
        await db('client_login_codes')
          .where({ client_user_id: client.id })
          .whereNull('consumed_at')
          .count('* as n')
          .first()
          .then((r) => Number(r?.n)),
      ).to.equal(0);
      expect(await auth.setPasswordFromLink(workspace, 'reset', token, 'another password', meta)).to.equal(null);
      expect((await auth.signInWithPassword(workspace, client.email, 'a brand new password', meta)).ok).to.equal(true);
      const log = await activity(workspace);
      expect(log.filter((e) => e.event === 'password.reset').map((e) => e.client_user_id)).to.deep.equal([client.id]);
      expect(log.find((e) => e.event === 'password.reset_requested')).to.deep.include({
        email: client.email,
        client_user_id: client.id,
        details: { known: true },
      });
    });

    it('sends nothing for an unknown or disabled email, and limits requests per email', async function () {
      const { workspace, user } = await world();
      const disabled = await user({ status: 'disabled', password: 'some password' });
      const stranger = `nobody-${unique()}@example.test`;
      expect(await auth.requestPasswordReset(workspace, stranger, meta)).to.deep.equal({ ok: true });
      expect(await auth.requestPasswordReset(workspace, disabled.email, meta)).to.deep.equal({ ok: true });
      expect(await mailTo(stranger)).to.deep.equal([]);
      expect(await mailTo(disabled.email)).to.deep.equal([]);
      expect(
        await db('client_user_tokens')
          .where({ client_user_id: disabled.id })
          .count('* as n')
          .first()
          .then((r) => Number(r?.n)),
      ).to.equal(0);
      expect((await activity(workspace)).map((e) => e.details)).to.deep.equal([{ known: false }, { known: false }]);

      const client = await user({ password: 'some password' });
      for (let i = 0; i < 3; i++) {
        expect(await auth.requestPasswordReset(workspace, client.email, meta)).to.deep.equal({ ok: true });
        advance(REPEAT_WINDOW_MS + 1000);
      }
      expect(await auth.requestPasswordReset(workspace, client.email, meta)).to.deep.equal({ ok: false, retryAfterSeconds: 3600 });
      const links = (await mailTo(client.email)).map((m) => tokenIn(m, '/password/reset'));
      expect(links).to.have.length(3);
      // Only the newest link works.
      expect(await auth.findLinkUser(workspace, 'reset', links[0]!)).to.equal(null);
      expect((await auth.findLinkUser(workspace, 'reset', links[2]!))!.id).to.equal(client.id);
    });

    it('limits reset requests per address', async function () {
      const { workspace } = await world();
      const ip = { ...meta, ip: '192.0.2.201' };
      for (let i = 0; i < 10; i++)
        expect(await auth.requestPasswordReset(workspace, `spray-${i}-${unique()}@example.test`, ip)).to.deep.equal({ ok: true });
      expect(await auth.requestPasswordReset(workspace, `spray-x-${unique()}@example.test`, ip)).to.deep.equal({
        ok: false,
        retryAfterSeconds: 3600,
      });
    });

    it('expires a link after its time, and refuses it in another workspace or once the client is disabled', async function () {
      const { workspace, user } = await world();
      const elsewhere = await world();
      const client = await user({ password: 'some password' });
      const disabled = await user({ password: 'some password' });
      await auth.requestPasswordReset(workspace, client.email, meta);
      await auth.requestPasswordReset(workspace, disabled.email, meta);
      const token = tokenIn((await mailTo(client.email))[0]!, '/password/reset');
      const disabledToken = tokenIn((await mailTo(disabled.email))[0]!, '/password/reset');
      await setClientUserStatus(db, workspace.id, disabled.id, 'disabled');
      expect(await auth.findLinkUser(elsewhere.workspace, 'reset', token)).to.equal(null);
      expect(await auth.setPasswordFromLink(elsewhere.workspace, 'reset', token, 'a brand new password', meta)).to.equal(null);
      expect(await auth.findLinkUser(workspace, 'reset', disabledToken)).to.equal(null);
      expect(await auth.setPasswordFromLink(workspace, 'reset', disabledToken, 'a brand new password', meta)).to.equal(null);
      advance(RESET_TTL_MINUTES * MINUTE - 1000);
      expect((await auth.findLinkUser(workspace, 'reset', token))!.id).to.equal(client.id);
      advance(2000);
      expect(await auth.findLinkUser(workspace, 'reset', token)).to.equal(null);
      expect(await auth.setPasswordFromLink(workspace, 'reset', token, 'a brand new password', meta)).to.equal(null);
      expect((await activity(workspace)).some((e) => e.event === 'password.reset')).to.equal(false);
    });
  });

  describe('invitations', function () {
    it('creates an invited client user and emails a link that activates them once, ending other sessions', async function () {
      const { workspace, contact } = await world();
      const person = await contact(`Invitee-${unique()}@Example.test`);
      const invited = await auth.invite(workspace, person.id, staff, meta);
      expect(invited).to.include({
        status: 'invited',
        email: person.email.toLowerCase(),
        contact_id: person.id,
        client_id: person.clientId,
      });
      const mail = (await mailTo(person.email))[0]!;
      expect(mail.text).to.include('Pat Person');
      expect(mail.text).to.include('Ada Admin');
      expect(mail.text).to.include(String(INVITE_TTL_DAYS));
      expect(mail.text).to.include(`http://portal.test/clients/${workspace.slug}/invitation/`);
      const token = tokenIn(mail, '/invitation');
      expect(await auth.findLinkUser(workspace, 'reset', token)).to.equal(null);
      const stale = await sessionOf(invited!);

      const accepted = await auth.setPasswordFromLink(workspace, 'invite', token, 'my first password', meta);
      expect(accepted!.id).to.equal(invited!.id);
      const after = (await findClientUserById(db, workspace.id, invited!.id))!;
      expect(after.status).to.equal('active');
      expect(after.last_sign_in_at).to.be.instanceOf(Date);
      expect(await sessionsLeft([stale])).to.deep.equal([]);
      expect(await auth.setPasswordFromLink(workspace, 'invite', token, 'my first password', meta)).to.equal(null);
      expect((await auth.signInWithPassword(workspace, person.email, 'my first password', meta)).ok).to.equal(true);
      const log = await activity(workspace);
      expect(log.find((e) => e.event === 'invitation.sent')).to.deep.include({
        client_user_id: invited!.id,
        details: { staffId: staff.id },
      });
      expect(log.filter((e) => e.event === 'invitation.accepted').map((e) => e.client_user_id)).to.deep.equal([invited!.id]);
    });

    it("sends an invitation again to the contact's current email, voiding the earlier link, in the workspace language", async function () {
      const { workspace, contact } = await world();
      await saveSettings(db, workspace.id, { defaultLocale: 'de' }, staff.id);
      const person = await contact();
      const first = await auth.invite(workspace, person.id, staff, meta);
      const firstToken = tokenIn((await mailTo(person.email))[0]!, '/invitation');
      const moved = `moved-${unique()}@example.test`;
      await db('contacts')
        .where({ id: Number(person.id) })
        .update({ email: moved.toUpperCase() });
      const again = await auth.invite(workspace, person.id, staff, meta);
      expect(again).to.include({ id: first!.id, email: moved, status: 'invited' });
      expect((await findClientUserById(db, workspace.id, first!.id))!.email).to.equal(moved);
      const secondMail = (await mailTo(moved))[0]!;
      expect(secondMail.text).to.include('Hallo Pat Person');
      expect(await auth.findLinkUser(workspace, 'invite', firstToken)).to.equal(null);
      expect((await auth.findLinkUser(workspace, 'invite', tokenIn(secondMail, '/invitation')))!.id).to.equal(first!.id);
      expect(await auth.invite(workspace, '999999999', staff, meta)).to.equal(null);
    });

    it("expires an invitation after its days, and an accepted one voids the client's reset links", async function () {
      const { workspace, contact } = await world();
      const person = await contact();
      const invited = await auth.invite(workspace, person.id, staff, meta);
      const token = tokenIn((await mailTo(person.email))[0]!, '/invitation');
      // A reset link issued meanwhile (the client is invited, so may ask for one).
      await auth.requestPasswordReset(workspace, person.email, meta);
      const resetToken = tokenIn((await mailTo(person.email))[1]!, '/password/reset');
      expect((await auth.setPasswordFromLink(workspace, 'invite', token, 'my first password', meta))!.id).to.equal(invited!.id);
      expect(await auth.findLinkUser(workspace, 'reset', resetToken)).to.equal(null);

      const later = await contact();
      await auth.invite(workspace, later.id, staff, meta);
      const laterToken = tokenIn((await mailTo(later.email))[0]!, '/invitation');
      advance(INVITE_TTL_DAYS * 24 * 60 * MINUTE - 1000);
      expect(await auth.findLinkUser(workspace, 'invite', laterToken)).to.not.equal(null);
      advance(2000);
      expect(await auth.findLinkUser(workspace, 'invite', laterToken)).to.equal(null);
    });
  });
});
