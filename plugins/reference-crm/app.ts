// The reference CRM as an Express app: the "existing" host the client portal plugs into.
//
// Order matters and is the contract with plugins:
//   helmet (strict CSP) → static CSS → plugins' public routes (their own cookie) → no-store → CRM session →
//   body parsing → CSRF → signed-in staff → CRM staff pages → plugins' staff routes → 404 → errors.
import express from 'express';
import type { Knex } from 'knex';
import type pg from 'pg';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VirusScanner } from '../../src/index.ts';
import { hostSecurityHeaders } from '../shared/host-http.ts';
import { loadStaff, requireStaff } from './web/auth.ts';
import { csrfProtection, ensureCsrfToken } from './web/csrf.ts';
import { errorHandler, notFoundHandler } from './web/error-pages.ts';
import { authRoutes } from './web/routes/auth.ts';
import { clientRoutes } from './web/routes/clients.ts';
import { contactRoutes } from './web/routes/contacts.ts';
import { dashboardRoutes } from './web/routes/dashboard.ts';
import { documentRoutes } from './web/routes/documents.ts';
import { invoiceRoutes } from './web/routes/invoices.ts';
import { offerRoutes } from './web/routes/offers.ts';
import { settingsRoutes } from './web/routes/settings.ts';
import { taskRoutes } from './web/routes/tasks.ts';
import { ticketRoutes } from './web/routes/tickets.ts';
import { createCrmSession } from './web/session.ts';
import { pluginHeaderItems } from './web/header-items.ts';

export interface CrmPlugin {
  /** Mounted before the CRM's own session middleware (the plugin brings its own cookie). */
  mountPublic?(app: express.Express): void;
  /** Mounted after the CRM staff session middleware; `requireStaff` redirects to the staff sign-in. */
  mountStaff?(app: express.Express, helpers: CrmStaffHelpers): void;
  /** Extra links in the CRM's Settings area for this staff user. */
  settingsPages?(staff: { id: string; workspaceId: string; role: 'admin' | 'member' }): Promise<Array<{ label: string; href: string }>>;
  /** Extra links on a proposal, quotation or invoice page (e.g. the client portal's record page). */
  recordLinks?(
    staff: { id: string; workspaceId: string; role: 'admin' | 'member' },
    record: { kind: 'proposal' | 'quotation' | 'invoice'; id: string; clientId: string },
  ): Promise<Array<{ label: string; href: string }>>;
  /** Links in the CRM's header for this staff user, with a count (e.g. unread notifications). */
  headerItems?(staff: {
    id: string;
    workspaceId: string;
    role: 'admin' | 'member';
  }): Promise<Array<{ label: string; href: string; count: number; countText?: string }>>;
  /**
   * Staff changed a client's document or task in the CRM's own pages (after the write committed),
   * e.g. so the client portal's open pages of that client refresh. A failing plugin never fails
   * the staff's request: the CRM logs it and carries on.
   */
  recordChanged?(change: CrmRecordChange): Promise<void>;
  /**
   * A staff member signed out (after their session was destroyed), e.g. so the client portal's
   * live streams on their pages end with the session. A failing plugin never fails the sign-out.
   */
  staffSignedOut?(staff: { id: string; workspaceId: string }): Promise<void>;
}

/**
 * A client's record that staff changed; ids as strings, like every hook's. `happened` says what the
 * client is to be told of: a document shared, a task assigned, an invoice issued, an offer sent, a
 * ticket answered.
 */
export interface CrmRecordChange {
  workspaceId: string;
  clientId: string;
  kind: 'document' | 'task' | 'invoice' | 'proposal' | 'quotation' | 'ticket';
  id: string;
  happened?: 'shared' | 'assigned' | 'issued' | 'sent' | 'answered';
  title?: string;
  number?: string;
  contactId?: string;
}

interface CrmStaffHelpers {
  /** Lets signed-in staff through; sends anyone else to the CRM sign-in page. */
  requireStaff: express.RequestHandler;
  /**
   * The CRM session's CSRF token, for forms a plugin renders on staff routes: send it back as a
   * `_csrf` field or an `X-CSRF-Token` header (multipart forms: `?_csrf=` on the action URL).
   */
  csrfToken(req: express.Request): string;
}

export interface ReferenceCrmAppOptions {
  db: Knex;
  sessionPool: pg.Pool;
  sessionSecret: string;
  /** Older secrets whose cookies are still accepted (the first of sessionSecret's predecessors first). */
  previousSessionSecrets?: string[];
  secureCookies: boolean;
  /**
   * Express's `trust proxy`: which proxies may tell the client's address and protocol. Behind a
   * TLS-terminating proxy this must be set, or secure cookies are never sent (the app sees http).
   */
  trustProxy?: boolean | number | string;
  plugins?: CrmPlugin[];
  /** The scanner the portal's uploads pass, for the files staff attach to tickets; none to skip scanning. */
  virusScanner?: VirusScanner;
}

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const BODY_LIMIT = '200kb';

function assertOptions(options: ReferenceCrmAppOptions): void {
  const problems: string[] = [];
  if (typeof options?.db !== 'function' || typeof options.db.transaction !== 'function') problems.push('`db` must be a knex instance');
  if (typeof options?.sessionPool?.query !== 'function') problems.push('`sessionPool` must be a pg.Pool');
  if (typeof options?.sessionSecret !== 'string' || options.sessionSecret.length < 16) {
    problems.push('`sessionSecret` must be a string of at least 16 characters');
  }
  if (typeof options?.secureCookies !== 'boolean') problems.push('`secureCookies` must be true or false');
  const plugins: unknown = options?.plugins ?? [];
  if (!Array.isArray(plugins)) {
    problems.push('`plugins` must be an array');
  } else {
    plugins.forEach((plugin: unknown, index) => {
      if (typeof plugin !== 'object' || plugin === null) {
        problems.push(`plugins[${index}] must be an object`);
        return;
      }
      for (const hook of [
        'mountPublic',
        'mountStaff',
        'settingsPages',
        'headerItems',
        'recordLinks',
        'recordChanged',
        'staffSignedOut',
      ] as const) {
        const value = (plugin as Record<string, unknown>)[hook];
        if (value !== undefined && typeof value !== 'function') problems.push(`plugins[${index}].${hook} must be a function`);
      }
    });
  }
  if (problems.length > 0) throw new Error(`createReferenceCrmApp: ${problems.join('; ')}.`);
}

export function createReferenceCrmApp(options: ReferenceCrmAppOptions): express.Express {
  assertOptions(options);
  const { db, secureCookies } = options;
  const plugins = options.plugins ?? [];
  const deps = { db };
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  app.use(hostSecurityHeaders(secureCookies));
  app.use('/assets', express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  // Browsers ask for /favicon.ico on any page that names no icon (a PDF, a plain error page):
  // the same mark as the pages' <link rel="icon">, not a 404 in every staff console.
  app.get('/favicon.ico', (_req, res) => res.type('image/svg+xml').sendFile(path.join(PUBLIC_DIR, 'favicon.svg'), { maxAge: '1d' }));

  for (const plugin of plugins) plugin.mountPublic?.(app);

  // Every page from here on is a staff page (or the staff sign-in with its CSRF token): client
  // records, invoices, the portal's admin pages with live public-link tokens. None may stay in a
  // browser's or proxy's cache after sign-out; the static CSS above keeps its caching.
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  app.use(
    createCrmSession({
      pool: options.sessionPool,
      secret: [options.sessionSecret, ...(options.previousSessionSecrets ?? [])],
      secureCookies,
    }),
  );
  app.use(loadStaff(db));
  app.use(pluginHeaderItems(plugins));

  // A plugin's staff pages sit behind the CRM's sign-in but bring their own body parsing and CSRF
  // protection (they must not depend on this CRM's token), so they are mounted before ours.
  const helpers: CrmStaffHelpers = { requireStaff, csrfToken: ensureCsrfToken };
  for (const plugin of plugins) plugin.mountStaff?.(app, helpers);

  app.use(express.urlencoded({ extended: true, limit: BODY_LIMIT, parameterLimit: 500 }));
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(csrfProtection());

  app.use(authRoutes({ ...deps, plugins }));
  app.use(dashboardRoutes(deps));
  app.use(clientRoutes(deps));
  app.use(contactRoutes(deps));
  app.use(offerRoutes('proposal', { ...deps, plugins }));
  app.use(offerRoutes('quotation', { ...deps, plugins }));
  app.use(invoiceRoutes({ ...deps, plugins }));
  app.use(taskRoutes({ ...deps, plugins }));
  app.use(ticketRoutes({ ...deps, plugins, ...(options.virusScanner ? { virusScanner: options.virusScanner } : {}) }));
  app.use(documentRoutes({ ...deps, plugins }));
  app.use(settingsRoutes({ ...deps, plugins }));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
