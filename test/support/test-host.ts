// A small host CRM for tests of the portal's routes: a real express app with its own staff session
// (memory store), a staff sign-in route, and a HostAdapter over four tiny tables it creates in the
// test database (workspaces, staff, clients, contacts), and optionally the comments it keeps
// (comments-host.ts). It stands in for the CRM the portal plugs
// into; the portal itself is the real one, built with createCustomerPortal and mounted the way a
// host mounts it. Flags and mail are the real ones too: unleash-client offline from a bootstrap
// flags file naming the workspaces the portal is on for, and the real mailer sending through the
// portal's outbox to an in-process SMTP server whose messages the tests read.
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import type { Knex } from 'knex';
import type pg from 'pg';
import supertest from 'supertest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { captureLogger, type LoggedError } from './capture-logger.ts';
import { createHostCommentsTable, HOST_COMMENTS_CLAIM, hostComments } from './comments-host.ts';
import { createKnex, createPgPool } from '../../src/core/db/connect.ts';
import { createUnleashFlags } from '../../src/core/flags/unleash-flags.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { createCustomerPortal, type CustomerPortal } from '../../src/portal.ts';
import type { HostAdapter, HostClient, HostContact, HostStaffUser, HostWorkspace } from '../../src/core/ports/host.ts';
import type { FeatureFlags, FileStorage } from '../../src/core/ports/services.ts';
import { flagsFileFor } from './portal-harness.ts';
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from './smtp-capture.ts';

export const PORTAL_PATH = '/portal';
export const ADMIN_PATH = '/settings/client-portal';
/** The staff notifications router (and the staff language page on it), open to every staff user. */
export const NOTIFICATIONS_PATH = '/client-portal/notifications';

/** The host's staff session; the portal never reads it, only the adapter does. */
interface HostSession {
  staffUserId?: string;
}
const hostSession = (req: Request) => req.session as unknown as HostSession;

export async function createHostTables(db: Knex): Promise<void> {
  // A second test host on the same database shares the first one's tables.
  if (await db.schema.hasTable('workspaces')) return;
  await db.schema.createTable('workspaces', (t) => {
    t.increments('id');
    t.string('slug', 60).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('brand_color', 7);
  });
  await db.schema.createTable('staff', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id');
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable();
    t.string('role', 10).notNullable();
  });
  await db.schema.createTable('clients', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id');
    t.string('name', 200).notNullable();
  });
  await db.schema.createTable('contacts', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id');
    t.integer('client_id').notNullable().references('clients.id');
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable();
    t.string('phone', 50);
  });
}

const isId = (value: string) => /^[0-9]{1,9}$/.test(value);

export function hostAdapter(db: Knex): HostAdapter {
  const workspace = (row: { id: number; slug: string; name: string; brand_color: string | null }): HostWorkspace => ({
    id: String(row.id),
    slug: row.slug,
    name: row.name,
    logoUrl: null,
    brandColor: row.brand_color,
  });
  const contactQuery = () =>
    db('contacts as c')
      .join('clients as cl', 'cl.id', 'c.client_id')
      .select('c.id', 'c.workspace_id', 'c.client_id', 'cl.name as client_name', 'c.name', 'c.email', 'c.phone');
  const contact = (row: Record<string, unknown>): HostContact => ({
    id: String(row.id),
    workspaceId: String(row.workspace_id),
    clientId: String(row.client_id),
    clientName: String(row.client_name),
    name: String(row.name),
    email: String(row.email),
    phone: (row.phone as string | null) ?? null,
  });
  const client = (row: { id: number; workspace_id: number; name: string }): HostClient => ({
    id: String(row.id),
    workspaceId: String(row.workspace_id),
    name: row.name,
  });

  return {
    name: 'test-host',
    // A test double of a host: its tables are made by the tests, so it claims nothing the portal checks.
    claims: [],
    workspaces: {
      async findBySlug(slug) {
        const row = await db('workspaces').where({ slug }).first('id', 'slug', 'name', 'brand_color');
        return row ? workspace(row) : null;
      },
      async findById(id) {
        if (!isId(id)) return null;
        const row = await db('workspaces')
          .where({ id: Number(id) })
          .first('id', 'slug', 'name', 'brand_color');
        return row ? workspace(row) : null;
      },
    },
    clients: {
      async list(workspaceId) {
        const rows = await db('clients')
          .where({ workspace_id: Number(workspaceId) })
          .orderBy('name')
          .select('id', 'workspace_id', 'name');
        return rows.map(client);
      },
      async findById(workspaceId, clientId) {
        if (!isId(clientId)) return null;
        const row = await db('clients')
          .where({ workspace_id: Number(workspaceId), id: Number(clientId) })
          .first('id', 'workspace_id', 'name');
        return row ? client(row) : null;
      },
    },
    contacts: {
      async findById(workspaceId, contactId) {
        if (!isId(contactId)) return null;
        const row = await contactQuery()
          .where({ 'c.workspace_id': Number(workspaceId), 'c.id': Number(contactId) })
          .first();
        return row ? contact(row) : null;
      },
      async findByEmail(workspaceId, email) {
        const rows = await contactQuery()
          .where({ 'c.workspace_id': Number(workspaceId) })
          .whereRaw('lower(c.email) = ?', [email.toLowerCase()]);
        return rows.map(contact);
      },
      async list(workspaceId, filter) {
        const q = contactQuery()
          .where({ 'c.workspace_id': Number(workspaceId) })
          .orderBy('c.id');
        if (filter?.clientId) q.andWhere({ 'c.client_id': isId(filter.clientId) ? Number(filter.clientId) : -1 });
        return (await q).map(contact);
      },
      async updateProfile(workspaceId, contactId, profile) {
        if (!isId(contactId)) return null;
        await db('contacts')
          .where({ workspace_id: Number(workspaceId), id: Number(contactId) })
          .update(profile);
        return this.findById(workspaceId, contactId);
      },
    },
    staff: {
      async current(req) {
        const id = hostSession(req).staffUserId;
        if (!id || !isId(id)) return null;
        const row = await db('staff')
          .where({ id: Number(id) })
          .first('id', 'workspace_id', 'name', 'email', 'role');
        if (!row) return null;
        return {
          id: String(row.id),
          workspaceId: String(row.workspace_id),
          name: row.name,
          email: row.email,
          role: row.role,
        } satisfies HostStaffUser;
      },
    },
    summaries: {
      async forClient() {
        return {
          proposals: { open: 0, total: 0 },
          quotations: { open: 0, total: 0 },
          invoices: { unpaid: 0, overdue: 0, outstanding: [] },
          tasks: { open: 0 },
          documents: { shared: 0 },
        };
      },
    },
  };
}

export interface TestHostOptions {
  /**
   * Whether the host guards its settings area itself (answering 401 before the portal sees the
   * request), as a CRM's requireStaff usually does. Off, anonymous requests reach the portal's guard.
   */
  hostGuard?: boolean;
  /** A FileStorage to use instead of the portal's database storage (e.g. one that fails). */
  storage?: FileStorage;
  /** The portal's log level (default error); `logOutput()` returns the lines. */
  logLevel?: string;
  /** The workspace slugs the portal flag is on for (the offline flags file's constraint). */
  portalEnabledFor?: string[];
  /** The host keeps the comments (comments-host.ts): a CommentsPort over host_comments, claimed, so the portal makes no client_comments. */
  hostComments?: boolean;
}

export interface TestHost {
  app: express.Express;
  db: Knex;
  adapter: HostAdapter;
  portal: CustomerPortal;
  smtp: SmtpCapture;
  flags: FeatureFlags;
  errors: LoggedError[];
  /** Every log line the portal wrote at `logLevel` or above. */
  logOutput(): string;
  /** Sends what the outbox holds, then the messages the SMTP server received for this address, oldest first. */
  mailTo(email: string): Promise<CapturedMessage[]>;
  /** Sends what the outbox holds, then every message the SMTP server received. */
  mailSent(): Promise<CapturedMessage[]>;
  createWorkspace(input: { slug: string; name: string; brandColor?: string }): Promise<HostWorkspace>;
  createStaff(workspace: HostWorkspace, role: 'admin' | 'member', name?: string): Promise<HostStaffUser>;
  createClient(workspace: HostWorkspace, name: string): Promise<HostClient>;
  createContact(client: HostClient, input: { name: string; email: string }): Promise<HostContact>;
  /** A supertest agent signed in to the host as this staff user. */
  staffAgent(staff: HostStaffUser): Promise<supertest.Agent>;
  close(): Promise<void>;
}

export async function createTestHost(databaseUrl: string, options: TestHostOptions): Promise<TestHost> {
  const db = createKnex(databaseUrl);
  const sessionPool: pg.Pool = createPgPool(databaseUrl);
  await createHostTables(db);
  if (options.hostComments) await createHostCommentsTable(db);
  const base = hostAdapter(db);
  const adapter: HostAdapter = options.hostComments
    ? { ...base, claims: [...base.claims, HOST_COMMENTS_CLAIM], comments: hostComments(db) }
    : base;
  const smtp = await startSmtpCapture();
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'Client portal <portal@agency.test>' });
  const flagsFile = flagsFileFor(options.portalEnabledFor ?? []);
  const flags = await createUnleashFlags({ bootstrapFile: flagsFile });
  const captured = captureLogger(options.logLevel);
  const errors = captured.errors;

  const portal = createCustomerPortal({
    adapter,
    db,
    sessionPool,
    flags,
    mailer,
    ...(options.storage ? { storage: options.storage } : {}),
    config: {
      appUrl: 'http://localhost',
      sessionSecret: 'x'.repeat(40),
      demoPaymentProvider: true,
      // The tests run the background passes themselves, so none starts on its own.
      jobsAtStart: false,
      portalPath: PORTAL_PATH,
      adminPath: ADMIN_PATH,
    },
    logger: captured.logger,
  });
  await portal.migrate();

  const app = express();
  // The portal's router comes before the host's session: express-session skips a request that
  // already has a session, so the order decides which cookie a portal request uses.
  app.use(PORTAL_PATH, portal.clientRouter);
  app.use(session({ name: 'crm.sid', secret: 'host-secret-'.repeat(4), resave: false, saveUninitialized: false }));

  app.post('/test/sign-in-staff', express.urlencoded({ extended: false }), (req, res) => {
    hostSession(req).staffUserId = String((req.body as { staffId?: unknown }).staffId ?? '');
    res.sendStatus(204);
  });

  const requireStaff = async (req: Request, res: Response, next: NextFunction) => {
    if (options.hostGuard === false) return next();
    if (!(await adapter.staff.current(req))) return res.status(401).type('text').send('Sign in to the CRM.');
    next();
  };
  app.use(ADMIN_PATH, requireStaff, portal.adminRouter);
  app.use(NOTIFICATIONS_PATH, requireStaff, portal.notificationsRouter);
  app.get('/settings', (_req, res) => res.type('html').send('<h1>CRM settings</h1>'));

  return {
    app,
    db,
    adapter,
    portal,
    smtp,
    flags,
    errors,
    logOutput: captured.output,
    async mailTo(email) {
      await portal.drainOutbox();
      return smtp.messages.filter((message) => message.to.includes(email.toLowerCase()));
    },
    async mailSent() {
      await portal.drainOutbox();
      return [...smtp.messages];
    },
    async createWorkspace(input) {
      const [row] = await db('workspaces')
        .insert({ slug: input.slug, name: input.name, brand_color: input.brandColor ?? null })
        .returning('id');
      return (await adapter.workspaces.findById(String((row as { id: number }).id)))!;
    },
    async createStaff(workspace, role, name = role === 'admin' ? 'Ada Admin' : 'Max Member') {
      const [row] = await db('staff')
        .insert({ workspace_id: Number(workspace.id), name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@agency.test`, role })
        .returning(['id', 'email']);
      const { id, email } = row as { id: number; email: string };
      return { id: String(id), workspaceId: workspace.id, name, email, role };
    },
    async createClient(workspace, name) {
      const [row] = await db('clients')
        .insert({ workspace_id: Number(workspace.id), name })
        .returning('id');
      return { id: String((row as { id: number }).id), workspaceId: workspace.id, name };
    },
    async createContact(client, input) {
      const [row] = await db('contacts')
        .insert({ workspace_id: Number(client.workspaceId), client_id: Number(client.id), name: input.name, email: input.email })
        .returning('id');
      return (await adapter.contacts.findById(client.workspaceId, String((row as { id: number }).id)))!;
    },
    async staffAgent(staff) {
      const agent = supertest.agent(app);
      await agent.post('/test/sign-in-staff').type('form').send({ staffId: staff.id }).expect(204);
      return agent;
    },
    async close() {
      await portal.close();
      await flags.close();
      await smtp.stop();
      rmSync(path.dirname(flagsFile), { recursive: true, force: true });
      await sessionPool.end();
      await db.destroy();
    },
  };
}

/** The hidden _csrf value of the first form on a page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no _csrf field on the page');
  return match[1];
}

/** The invitation (or reset) link in an email, as a path on the test app. */
export function linkPath(message: CapturedMessage | undefined): string {
  const match = /http:\/\/localhost(\/portal\/\S+)/.exec(message?.text ?? '');
  if (!match?.[1]) throw new Error('no portal link in the email');
  return match[1];
}

/** A client accepts an invitation link (on an app, or a portal's address): returns their own agent, signed in to the portal. */
export async function acceptInvitation(
  app: express.Express | string,
  invitationPath: string,
  password = 'a long enough password',
): Promise<supertest.Agent> {
  const client = supertest.agent(app);
  const page = await client.get(invitationPath).expect(200);
  await client
    .post(invitationPath)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), password, confirmPassword: password })
    .expect(303);
  return client;
}
