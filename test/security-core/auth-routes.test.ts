// The sign-in routes (src/features/account/sign-in/routes.ts, handlers.ts, commands.ts, password-strategy.ts) in a
// small express app around the real sign-in service, session store and lifecycle, the real outbox
// and the in-process SMTP server: each form signs in, refuses with the right status and message
// (keeping what was typed, never the password), names when to try again at a limit, sends links
// and codes, works once per link, follows the workspace's sign-in methods, and signs out.
import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import type pg from 'pg';
import supertest from 'supertest';
import { migratePortal } from '../../src/migrations/index.ts';
import { AuthService } from '../../src/features/account/sign-in/auth-service.ts';
import { createAuthHandlers, type CompleteSignIn } from '../../src/features/account/sign-in/handlers.ts';
import { createPasswordAuthenticator } from '../../src/features/account/sign-in/password-strategy.ts';
import { authRoutes } from '../../src/features/account/sign-in/routes.ts';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { buildBranding } from '../../src/core/branding/branding.ts';
import { findClientUserById, insertClientUser, type ClientUserRow } from '../../src/core/client-users/queries.ts';
import { PortalConfigSchema } from '../../src/core/config.ts';
import { createKnex, createPgPool } from '../../src/core/db/connect.ts';
import { requestI18n } from '../../src/core/i18n/request-i18n.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { MailOutbox } from '../../src/core/mail/outbox.ts';
import type { HostWorkspace } from '../../src/core/ports/host.ts';
import { RateLimiter } from '../../src/core/rate-limits/limiter.ts';
import { RepeatGuard } from '../../src/core/rate-limits/repeat-guard.ts';
import { hashSessionId, portalSessions } from '../../src/core/sessions/portal-sessions.ts';
import { createSessionLifecycle } from '../../src/core/sessions/session-lifecycle.ts';
import { SESSION_COOKIE } from '../../src/core/sessions/session-data.ts';
import { FULL_ACCESS } from '../../src/core/policies/client-access.ts';
import { DEFAULT_SETTINGS, type PortalSettings } from '../../src/core/settings/portal-settings.ts';
import { errorHandler } from '../../src/core/web/error-handler.ts';
import type { PortalContext } from '../../src/core/web/portal-context.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from '../support/smtp-capture.ts';
import { createHostTables, hostAdapter } from '../support/test-host.ts';
import { createPortalLinks } from '../../src/core/web/portal-links.ts';

const PASSWORD = 'correct horse battery';
/** The page's own part of its <title> (before the workspace's name). */
const titleOf = (html: string) => /<title>([^<]*) · /.exec(html)?.[1];

describe('sign-in routes', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let pool: pg.Pool;
  let smtp: SmtpCapture;
  let outbox: MailOutbox;
  let auth: AuthService;
  let clock = Date.now();
  const now = () => new Date(clock);
  let n = 0;
  const unique = () => `${Date.now().toString(36)}-${++n}`;
  const config = PortalConfigSchema.parse({ appUrl: 'http://portal.test', portalPath: '/portal', sessionSecret: 's'.repeat(40) });

  interface Site {
    agent: supertest.Agent;
    workspace: HostWorkspace;
    base: string;
    recorded: string[];
    user(input?: { password?: string }): Promise<ClientUserRow>;
  }

  /** A workspace of its own and the sign-in routes mounted at its base, the way the portal mounts them. */
  /** `passwordAuth`: the service the password strategy signs in with (the site's own by default). */
  async function site(settings: Partial<PortalSettings> = {}, completeSignIn?: CompleteSignIn, passwordAuth?: AuthService): Promise<Site> {
    const slug = `ws-${unique()}`;
    const [row] = await db('workspaces')
      .insert({ slug, name: `Agency ${slug}` })
      .returning('id');
    const workspace = (await hostAdapter(db).workspaces.findById(String((row as { id: number }).id)))!;
    const [clientRow] = await db('clients')
      .insert({ workspace_id: Number(workspace.id), name: 'Client' })
      .returning('id');
    const base = `/portal/${slug}`;
    const portalSettings = { ...DEFAULT_SETTINGS, ...settings };
    const recorded: string[] = [];
    const sessions = createSessionLifecycle({ db, cookiePath: '/portal' });
    const handlers = createAuthHandlers(auth, createPasswordAuthenticator(passwordAuth ?? auth), sessions, now, {
      recordSignIn: (method, outcome) => recorded.push(`${method}:${outcome}`),
      ...(completeSignIn ? { completeSignIn } : {}),
    });
    const web = express();
    web.use(express.urlencoded({ extended: false }));
    web.use(base, (req: Request, res: Response, next: NextFunction) => {
      const context: PortalContext = {
        workspace,
        settings: portalSettings,
        branding: buildBranding(workspace, portalSettings, null),
        base,
        assets: '/portal/assets',
        sectionPages: new Set(),
        i18n: requestI18n(req),
        demoPaymentBanner: false,
      };
      res.locals.customerPortal = context;
      next();
    });
    web.use(
      base,
      portalSessions({ pool, secrets: ['x'.repeat(40)], cookie: { path: '/portal', secure: false, maxAgeMs: 24 * 3_600_000 } }),
    );
    web.use(base, async (req: Request, res: Response, next: NextFunction) => {
      const signedIn = req.session?.portal;
      const user = signedIn?.workspaceId === workspace.id ? await findClientUserById(db, workspace.id, signedIn.clientUserId) : null;
      if (user)
        (res.locals.customerPortal as PortalContext).client = {
          user,
          contact: (await hostAdapter(db).contacts.findById(workspace.id, user.contact_id))!,
          access: FULL_ACCESS,
          workspaceSettings: (res.locals.customerPortal as PortalContext).settings,
          unreadNotifications: 0,
          unreadMessages: 0,
        };
      next();
    });
    web.use(base, authRoutes(handlers));
    web.use(
      errorHandler(
        (_req, res, page) => res.status(page.status).type('text').send(page.message),
        (err) => console.error(err),
      ),
    );
    return {
      agent: supertest.agent(web),
      workspace,
      base,
      recorded,
      async user(input = {}) {
        const email = `person-${unique()}@example.test`;
        const [c] = await db('contacts')
          .insert({ workspace_id: Number(workspace.id), client_id: (clientRow as { id: number }).id, name: 'Pat Person', email })
          .returning('id');
        return insertClientUser(db, {
          workspaceId: workspace.id,
          clientId: String((clientRow as { id: number }).id),
          contactId: String((c as { id: number }).id),
          email,
          status: 'active',
          ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
        });
      },
    };
  }

  async function mailTo(email: string): Promise<CapturedMessage[]> {
    await outbox.drain();
    return smtp.messages.filter((message) => message.to.includes(email.toLowerCase()));
  }
  const tokenIn = (message: CapturedMessage, path: string) => new RegExp(`${path}/([A-Za-z0-9_-]{43})$`, 'm').exec(message.text)![1]!;
  const sessionRows = (user: ClientUserRow) =>
    db('client_sessions').whereRaw("sess->'portal'->>'clientUserId' = ?", [user.id]).pluck('sid');
  const sidOf = (res: supertest.Response) => {
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    return cookie
      ? decodeURIComponent(cookie.split(';')[0]!.slice(SESSION_COOKIE.length + 1))
          .replace(/^s:/, '')
          .replace(/\.[^.]*$/, '')
      : null;
  };

  before(async function () {
    database = await reusableTestDatabase('security-core');
    db = createKnex(database.url, 3);
    await migratePortal(db);
    await createHostTables(db);
    pool = createPgPool(database.url, 2);
    smtp = await startSmtpCapture();
    outbox = new MailOutbox({
      db,
      transport: createMailer({ smtpUrl: smtp.url, from: 'Portal <portal@agency.test>' }),
      secret: config.sessionSecret,
      now,
      logger: { info: () => {}, error: (m, e) => console.error(m, e) },
      wakeOnSend: false,
    });
    auth = new AuthService({
      db,
      adapter: hostAdapter(db),
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
    await pool?.end();
    await db?.destroy();
    await database?.drop();
  });

  describe('passwords', function () {
    it('signs in with the right password, storing a session and going where `next` says', async function () {
      const { agent, base, user, recorded } = await site();
      const client = await user({ password: PASSWORD });
      const answer = await agent
        .post(`${base}/sign-in/password`)
        .type('form')
        .send({ email: client.email, password: PASSWORD, next: `${base}/invoices` })
        .expect(303);
      expect(answer.headers.location).to.equal(`${base}/invoices`);
      expect(await sessionRows(client)).to.deep.equal([hashSessionId(sidOf(answer)!)]);
      expect(recorded).to.deep.equal(['password:success']);
      // Signed in, the sign-in page sends the client on.
      expect((await agent.get(`${base}/sign-in?next=${encodeURIComponent(`${base}/tasks`)}`).expect(303)).headers.location).to.equal(
        `${base}/tasks`,
      );
      expect((await agent.get(`${base}/sign-in?next=https://evil.test/`).expect(303)).headers.location).to.equal(`${base}/`);
      expect((await agent.get(`${base}/sign-in`).expect(303)).headers.location).to.equal(`${base}/`);
    });

    it('refuses a wrong password with 401, keeping the email and `next` but never the password', async function () {
      const { agent, base, user, recorded } = await site();
      const client = await user({ password: PASSWORD });
      const answer = await agent
        .post(`${base}/sign-in/password`)
        .type('form')
        .send({ email: client.email, password: 'wrong guess here', next: `${base}/tasks` })
        .expect(401);
      expect(answer.text).to.include('That email and password do not match an account here.');
      expect(answer.text).to.include(`value="${client.email}"`);
      expect(answer.text).to.include(`name="next" value="${base}/tasks"`);
      expect(answer.text).to.not.include('wrong guess here');
      expect(answer.headers['hx-replace-url']).to.equal(undefined);
      expect(recorded).to.deep.equal(['password:failure']);
      expect(await sessionRows(client)).to.deep.equal([]);
    });

    it("answers an htmx form in place at the sign-in page's own address", async function () {
      const { agent, base, user } = await site();
      const client = await user({ password: PASSWORD });
      const answer = await agent
        .post(`${base}/sign-in/password`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ email: client.email, password: 'wrong guess here', next: `${base}/tasks` })
        .expect(200);
      expect(answer.headers['hx-replace-url']).to.equal(`${base}/sign-in?next=${encodeURIComponent(`${base}/tasks`)}`);
      const plain = await agent
        .post(`${base}/sign-in/password`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ email: client.email, password: 'wrong guess here' })
        .expect(200);
      expect(plain.headers['hx-replace-url']).to.equal(`${base}/sign-in`);
    });

    it("refuses a malformed form with 400 and the field's message", async function () {
      const { agent, base } = await site();
      const answer = await agent.post(`${base}/sign-in/password`).type('form').send({ email: 'not an email', password: 'x' }).expect(400);
      expect(answer.text).to.include('aria-invalid="true" aria-describedby="email-error"');
      // What is typed comes back cut: the email to 320 characters (the longest address there is), `next` to 500.
      const long = await agent
        .post(`${base}/sign-in/password?next=${encodeURIComponent(`${base}/${'n'.repeat(600)}`)}`)
        .type('form')
        .send({ email: `${'a'.repeat(600)}@example.test`, password: 'x' })
        .expect(400);
      expect(long.text).to.include(`value="${'a'.repeat(320)}"`);
      expect(long.text).to.include(`name="next" value="${`${base}/${'n'.repeat(600)}`.slice(0, 500)}"`);
      const moved = await agent.get(`${base}/sign-in/password?next=${encodeURIComponent(`${base}/${'n'.repeat(600)}`)}`).expect(303);
      expect(moved.headers.location).to.equal(`${base}/sign-in?next=${encodeURIComponent(`${base}/${'n'.repeat(600)}`.slice(0, 500))}`);
      const movedCode = await agent.get(`${base}/sign-in/code/verify?next=${encodeURIComponent(`${base}/${'n'.repeat(600)}`)}`).expect(303);
      expect(movedCode.headers.location).to.equal(
        `${base}/sign-in/code?next=${encodeURIComponent(`${base}/${'n'.repeat(600)}`.slice(0, 500))}`,
      );
    });

    it('names when to try again after too many wrong passwords, offering a code when codes are on', async function () {
      const { agent, base, user, recorded } = await site();
      const client = await user({ password: PASSWORD });
      for (let i = 0; i < 5; i++)
        await agent
          .post(`${base}/sign-in/password`)
          .type('form')
          .send({ email: client.email, password: `wrong ${i}` })
          .expect(401);
      const limited = await agent
        .post(`${base}/sign-in/password`)
        .type('form')
        .send({ email: client.email, password: PASSWORD })
        .expect(429);
      expect(limited.headers['retry-after']).to.equal('900');
      expect(limited.text).to.include('(in 15 minutes), or get a one-time code by email now.');
      expect(recorded.at(-1)).to.equal('password:limited');
      // The same moment however late it is asked: "at" names when the limit ends, "in" how long until then.
      const retryAt = (html: string) => /try again at ([^(<]+) \(in /.exec(html)?.[1];
      expect(retryAt(limited.text)).to.be.a('string');
      clock += 840_000;
      const minute = await agent
        .post(`${base}/sign-in/password`)
        .type('form')
        .send({ email: client.email, password: PASSWORD })
        .expect(429);
      expect(minute.headers['retry-after']).to.equal('60');
      expect(minute.text).to.include('(in 1 minute)');
      expect(retryAt(minute.text)).to.equal(retryAt(limited.text));
      clock += 30_000;
      const soon = await agent.post(`${base}/sign-in/password`).type('form').send({ email: client.email, password: PASSWORD }).expect(429);
      expect(soon.headers['retry-after']).to.equal('30');
      expect(soon.text).to.include('(in 30 seconds)');
      expect(retryAt(soon.text)).to.equal(retryAt(limited.text));
    });

    it('answers a sign-in the service cannot complete with an error page, never as a wrong password', async function () {
      // A service whose database refuses every connection: the sign-in cannot even be counted.
      const unreachable = createKnex('postgres://postgres@127.0.0.1:1/nothing', 1, { connectMs: 1_000, statementMs: 0 });
      try {
        const broken = new AuthService({
          db: unreachable,
          adapter: hostAdapter(unreachable),
          mailer: outbox.mailer,
          config,
          links: createPortalLinks(config),
          limiter: new RateLimiter(unreachable, () => clock),
          guard: new RepeatGuard(unreachable, () => clock),
          now,
        });
        const { agent, base, user } = await site({}, undefined, broken);
        const client = await user({ password: PASSWORD });
        const answer = await agent.post(`${base}/sign-in/password`).type('form').send({ email: client.email, password: PASSWORD });
        expect(answer.status).to.be.within(500, 599);
        expect(answer.text).to.not.include('That email and password do not match');
      } finally {
        await unreachable.destroy();
      }
    });

    it('names only the wait when passwords are the only way in', async function () {
      const { agent, base, user } = await site({ loginWithCode: false });
      const client = await user({ password: PASSWORD });
      for (let i = 0; i < 5; i++)
        await agent
          .post(`${base}/sign-in/password`)
          .type('form')
          .send({ email: client.email, password: `wrong ${i}` });
      const limited = await agent
        .post(`${base}/sign-in/password`)
        .type('form')
        .send({ email: client.email, password: PASSWORD })
        .expect(429);
      expect(limited.text).to.include('You can try again at');
      expect(limited.text).to.not.include('one-time code by email now');
      expect(limited.text).to.not.include('Email me a one-time code instead');
      await agent.post(`${base}/sign-in/code`).type('form').send({ email: client.email }).expect(404);
      await agent.get(`${base}/sign-in/code`).expect(404);
    });

    it('has no password routes when the workspace switched passwords off', async function () {
      const { agent, base, user } = await site({ loginWithPassword: false });
      const client = await user({ password: PASSWORD });
      await agent.post(`${base}/sign-in/password`).type('form').send({ email: client.email, password: PASSWORD }).expect(404);
      await agent.get(`${base}/password/forgot`).expect(404);
      await agent.post(`${base}/password/forgot`).type('form').send({ email: client.email }).expect(404);
      const page = await agent.get(`${base}/sign-in`).expect(200);
      expect(page.text).to.include(`action="${base}/sign-in/code"`);
    });

    it('sends a reload of a POST-only address to its form, keeping `next`', async function () {
      const { agent, base } = await site();
      expect(
        (await agent.get(`${base}/sign-in/password?next=${encodeURIComponent(`${base}/tasks`)}`).expect(303)).headers.location,
      ).to.equal(`${base}/sign-in?next=${encodeURIComponent(`${base}/tasks`)}`);
      expect((await agent.get(`${base}/sign-in/password`).expect(303)).headers.location).to.equal(`${base}/sign-in`);
      expect(
        (await agent.get(`${base}/sign-in/code/verify?next=${encodeURIComponent(`${base}/tasks`)}`).expect(303)).headers.location,
      ).to.equal(`${base}/sign-in/code?next=${encodeURIComponent(`${base}/tasks`)}`);
      expect((await agent.get(`${base}/sign-in/code/verify`).expect(303)).headers.location).to.equal(`${base}/sign-in/code`);
    });

    it('shows the sign-in page with a known notice only, and `next` from the address', async function () {
      const { agent, base } = await site();
      expect((await agent.get(`${base}/sign-in?notice=signed-out`).expect(200)).text).to.include('You have signed out.');
      expect((await agent.get(`${base}/sign-in?notice=password-reset`).expect(200)).text).to.include('Your password is set.');
      const other = await agent.get(`${base}/sign-in?notice=bogus&next=${encodeURIComponent(`${base}/tasks`)}`).expect(200);
      expect(other.text).to.not.include('class="notice"');
      expect(other.text).to.include(`name="next" value="${base}/tasks"`);
      // An htmx GET shows the address it asked for: only an answer to a POST names another.
      const plain = await agent.get(`${base}/sign-in`).set('HX-Request', 'true').expect(200);
      expect(plain.headers['hx-replace-url']).to.equal(undefined);
      expect((await agent.get(`${base}/sign-in/code`).set('HX-Request', 'true').expect(200)).headers['hx-replace-url']).to.equal(undefined);
      expect(plain.text).to.not.include('name="next"');
      expect(titleOf(plain.text)).to.equal('Sign in');
    });
  });

  describe('one-time codes', function () {
    it('emails a code and signs in with it once', async function () {
      const { agent, base, user, recorded } = await site();
      const client = await user();
      const sent = await agent
        .post(`${base}/sign-in/code`)
        .type('form')
        .send({ email: client.email, next: `${base}/tasks` })
        .expect(200);
      expect(sent.text).to.include('we have emailed it a 6-digit code');
      expect(sent.text).to.include(`name="next" value="${base}/tasks"`);
      expect(titleOf(sent.text)).to.equal('Enter your sign-in code');
      const code = /^(\d{6})$/m.exec((await mailTo(client.email))[0]!.text)![1]!;
      const wrong = code === '000000' ? '000001' : '000000';
      const refused = await agent.post(`${base}/sign-in/code/verify`).type('form').send({ email: client.email, code: wrong }).expect(401);
      expect(refused.text).to.include('That code is not right, or it has expired.');
      const answer = await agent
        .post(`${base}/sign-in/code/verify`)
        .type('form')
        .send({ email: client.email, code, next: `${base}/tasks` })
        .expect(303);
      expect(answer.headers.location).to.equal(`${base}/tasks`);
      expect(await sessionRows(client)).to.have.length(1);
      expect(recorded).to.deep.equal(['code:failure', 'code:success']);
      await agent.post(`${base}/sign-in/code/verify`).type('form').send({ email: client.email, code: 'abc' }).expect(400);
      const form = await agent.get(`${base}/sign-in/code`).expect(200);
      expect(form.text).to.not.include('we have emailed it');
    });

    it("answers an htmx code request at the code form's address", async function () {
      const { agent, base, user } = await site();
      const client = await user();
      const sent = await agent
        .post(`${base}/sign-in/code`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ email: client.email })
        .expect(200);
      expect(sent.headers['hx-replace-url']).to.equal(`${base}/sign-in/code`);
    });

    it('names when to ask again after too many code checks', async function () {
      const { agent, base, user, recorded } = await site();
      const client = await user();
      for (let i = 0; i < 30; i++)
        await agent
          .post(`${base}/sign-in/code/verify`)
          .type('form')
          .send({ email: `guess-${i}@example.test`, code: '111111' });
      const limited = await agent
        .post(`${base}/sign-in/code/verify`)
        .type('form')
        .send({ email: client.email, code: '111111' })
        .expect(429);
      expect(limited.text).to.include('You can ask for a new code at');
      expect(limited.text).to.include('(in 15 minutes)');
      // No "we have emailed you a code" on a refusal: nothing was sent.
      expect(limited.text).to.not.include('class="notice"');
      expect(recorded.at(-1)).to.equal('code:limited');
    });

    it('answers too many code requests with the sign-in page, or a plain 429 when codes are the only way in', async function () {
      const both = await site();
      const client = await both.user();
      for (let i = 0; i < 3; i++) {
        await both.agent.post(`${both.base}/sign-in/code`).type('form').send({ email: client.email }).expect(200);
        clock += 6_000;
      }
      const limited = await both.agent.post(`${both.base}/sign-in/code`).type('form').send({ email: client.email }).expect(429);
      expect(limited.headers['retry-after']).to.equal('900');
      expect(limited.text).to.include('Too many attempts. You can try again at');
      expect(limited.text).to.not.include('one-time code by email now');

      const codesOnly = await site({ loginWithPassword: false });
      const other = await codesOnly.user();
      for (let i = 0; i < 3; i++) {
        await codesOnly.agent.post(`${codesOnly.base}/sign-in/code`).type('form').send({ email: other.email }).expect(200);
        clock += 6_000;
      }
      const plain = await codesOnly.agent.post(`${codesOnly.base}/sign-in/code`).type('form').send({ email: other.email }).expect(429);
      expect(plain.headers['retry-after']).to.equal('900');
      expect(plain.text).to.equal('Too many attempts. Try again in 15 minutes.');
    });
  });

  describe('reset and invitation links', function () {
    it('sends a reset link whose page sets the password once and signs the client in', async function () {
      const { agent, base, workspace, user, recorded } = await site();
      const client = await user({ password: PASSWORD });
      const forgot = await agent.get(`${base}/password/forgot`).expect(200);
      expect(forgot.text).to.include('name="email"');
      expect(titleOf(forgot.text)).to.equal('Reset your password');
      const malformed = await agent.post(`${base}/password/forgot`).type('form').send({ email: 'nope' }).expect(400);
      const malformedInPlace = await agent.post(`${base}/password/forgot`).set('HX-Request', 'true').type('form').send({ email: 'nope' });
      expect(malformedInPlace.headers['hx-replace-url']).to.equal(`${base}/password/forgot`);
      expect(titleOf(malformed.text)).to.equal('Reset your password');
      expect(malformed.text).to.include('name="email"');
      const sent = await agent
        .post(`${base}/password/forgot`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ email: client.email })
        .expect(200);
      expect(sent.headers['hx-replace-url']).to.equal(`${base}/password/forgot`);
      expect(sent.text).to.not.include('name="email"');
      const sentPage = await agent
        .post(`${base}/password/forgot`)
        .type('form')
        .send({ email: `nobody-${unique()}@example.test` })
        .expect(200);
      expect(titleOf(sentPage.text)).to.equal('Check your email');
      const token = tokenIn((await mailTo(client.email))[0]!, '/password/reset');
      const page = await agent.get(`${base}/password/reset/${token}`).expect(200);
      expect(page.text).to.include(client.email);
      expect(titleOf(page.text)).to.equal('Choose a new password');
      const mismatch = await agent
        .post(`${base}/password/reset/${token}`)
        .type('form')
        .send({ password: 'a brand new password', confirmPassword: 'something else' })
        .expect(400);
      expect(mismatch.text).to.include('The two passwords do not match.');
      expect(mismatch.text).to.include(client.email);
      expect(titleOf(mismatch.text)).to.equal('Choose a new password');
      const common = await agent
        .post(`${base}/password/reset/${token}`)
        .type('form')
        .send({ password: '1234567890', confirmPassword: '1234567890' })
        .expect(400);
      expect(common.text).to.include('That password is one of the most common ones and easy to guess. Choose another.');
      expect(titleOf(common.text)).to.equal('Choose a new password');
      const done = await agent
        .post(`${base}/password/reset/${token}`)
        .type('form')
        .send({ password: 'a brand new password', confirmPassword: 'a brand new password' })
        .expect(303);
      expect(done.headers.location).to.equal(`${base}/`);
      expect(await sessionRows(client)).to.deep.equal([hashSessionId(sidOf(done)!)]);
      expect(recorded).to.deep.equal(['reset:success']);
      expect((await agent.get(`${base}/password/reset/${token}`).expect(410)).text).to.include(
        'This link has expired or was already used.',
      );
      const spentMalformed = await agent
        .post(`${base}/password/reset/${token}`)
        .type('form')
        .send({ password: 'x', confirmPassword: 'y' })
        .expect(410);
      expect(spentMalformed.text).to.include('This link has expired or was already used. Ask for a new one.');
      const spent = await agent
        .post(`${base}/password/reset/${token}`)
        .type('form')
        .send({ password: 'a brand new password', confirmPassword: 'a brand new password' })
        .expect(410);
      expect(spent.text).to.include('This link has expired or was already used. Ask for a new one.');
      expect(recorded).to.deep.equal(['reset:success', 'reset:failure']);
      expect((await auth.signInWithPassword(workspace, client.email, 'a brand new password', { ip: null, userAgent: null })).ok).to.equal(
        true,
      );
    });

    it('limits reset requests with a plain 429', async function () {
      const { agent, base, user } = await site();
      const client = await user();
      for (let i = 0; i < 3; i++) {
        await agent.post(`${base}/password/forgot`).type('form').send({ email: client.email }).expect(200);
        clock += 6_000;
      }
      const limited = await agent.post(`${base}/password/forgot`).type('form').send({ email: client.email }).expect(429);
      expect(limited.headers['retry-after']).to.equal('3600');
    });

    it('accepts an invitation on its own page, handing the client to the second-factor step as a link sign-in', async function () {
      const steps: string[] = [];
      const { agent, base, workspace, recorded } = await site({}, async (_req, res, user, next, method) => {
        steps.push(`${user.email}|${next}|${method}`);
        res.redirect(303, `${next}second-factor`);
      });
      const [clientRow] = await db('clients')
        .insert({ workspace_id: Number(workspace.id), name: 'Invited client' })
        .returning('id');
      const email = `invitee-${unique()}@example.test`;
      const [c] = await db('contacts')
        .insert({ workspace_id: Number(workspace.id), client_id: (clientRow as { id: number }).id, name: 'Ivy Invitee', email })
        .returning('id');
      await auth.invite(workspace, String((c as { id: number }).id), { id: 's1', name: 'Ada Admin' }, { ip: null, userAgent: null });
      const token = tokenIn((await mailTo(email))[0]!, '/invitation');
      expect(titleOf((await agent.get(`${base}/invitation/${token}`).expect(200)).text)).to.equal('Welcome! Set your password');
      await agent.get(`${base}/password/reset/${token}`).expect(410);
      const invalid = await agent
        .post(`${base}/invitation/${token}`)
        .type('form')
        .send({ password: 'short', confirmPassword: 'short' })
        .expect(400);
      expect(titleOf(invalid.text)).to.equal('Welcome! Set your password');
      expect(invalid.text).to.include('Use at least 10 characters for your password.');
      const common = await agent
        .post(`${base}/invitation/${token}`)
        .type('form')
        .send({ password: 'iloveyou123', confirmPassword: 'iloveyou123' })
        .expect(400);
      expect(common.text).to.include('That password is one of the most common ones and easy to guess. Choose another.');
      const done = await agent
        .post(`${base}/invitation/${token}`)
        .type('form')
        .send({ password: 'my first password', confirmPassword: 'my first password' })
        .expect(303);
      expect(done.headers.location).to.equal(`${base}/second-factor`);
      expect(steps).to.deep.equal([`${email}|${base}/|link`]);
      expect(recorded).to.deep.equal(['invitation:success']);
      await agent
        .post(`${base}/invitation/${token}`)
        .type('form')
        .send({ password: 'my first password', confirmPassword: 'my first password' })
        .expect(410);
    });
  });

  describe('signing out', function () {
    it("ends the session, logs the sign-out and shows the sign-in page's notice", async function () {
      const { agent, base, workspace, user } = await site();
      const client = await user({ password: PASSWORD });
      await agent.post(`${base}/sign-in/password`).type('form').send({ email: client.email, password: PASSWORD }).expect(303);
      const out = await agent.post(`${base}/sign-out`).expect(303);
      expect(out.headers.location).to.equal(`${base}/sign-in?notice=signed-out`);
      expect(await sessionRows(client)).to.deep.equal([]);
      await agent.get(`${base}/sign-in`).expect(200);
      const anonymous = await agent.post(`${base}/sign-out`).expect(303);
      expect(anonymous.headers.location).to.equal(`${base}/sign-in?notice=signed-out`);
      const events = await db('client_activity_logs').where({ workspace_id: workspace.id, event: 'sign_out' }).pluck('client_user_id');
      expect(events).to.deep.equal([client.id]);
    });
  });
});
