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
import { oneWritePerSession, type VirusScanner } from '../../src/index.ts';
import { hostSecurityHeaders } from '../shared/host-http.ts';
import { loadStaff, requireStaff } from './web/auth.ts';
import { csrfProtection, ensureCsrfToken } from './web/csrf.ts';
import { errorHandler, notFoundHandler } from './web/error-pages.ts';
import { authRoutes } from './web/routes/auth.ts';
import { clientRoutes } from './web/routes/clients.ts';
import { contactRoutes } from './web/routes/contacts.ts';
import { dashboardRoutes } from './web/routes/dashboard.ts';
import { DOCUMENT_UPLOAD_PATH, documentRoutes } from './web/routes/documents.ts';
import { invoiceRoutes } from './web/routes/invoices.ts';
import { offerRoutes } from './web/routes/offers.ts';
import { settingsRoutes } from './web/routes/settings.ts';
import { knowledgeBaseRoutes } from './web/routes/knowledge-base.ts';
import { taskRoutes } from './web/routes/tasks.ts';
import { TICKET_MESSAGE_PATH, ticketRoutes } from './web/routes/tickets.ts';
import { requestRoutes } from './web/routes/requests.ts';
import { appointmentRoutes } from './web/routes/appointments.ts';
import { APPROVAL_UPLOAD_PATH, APPROVAL_VERSION_PATH, approvalRoutes } from './web/routes/approvals.ts';
import { orderRoutes } from './web/routes/orders.ts';
import { contractRoutes } from './web/routes/contracts.ts';
import { deviceRoutes } from './web/routes/devices.ts';
import { appointmentSetupRoutes } from './web/routes/appointment-setup.ts';
import { requestCatalogueRoutes } from './web/routes/request-catalogue.ts';
import { CRM_SESSION_COOKIE, createCrmSession } from './web/session.ts';
import { pluginHeaderItems } from './web/header-items.ts';
import type { CrmPlugin, CrmStaffHelpers } from './crm-plugin.ts';

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

/** A staff session's forms that may wait for their turn; past it, 409 at once (as the portal's clients). */
const STAFF_WRITES_WAITING = 50;
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

  // One staff form at a time per session, as the portal holds its clients' (a burst of one
  // person's POSTs takes its turns before it reads its session or takes a pooled connection).
  app.use(oneWritePerSession({ maxWaiting: STAFF_WRITES_WAITING, cookie: CRM_SESSION_COOKIE }));
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
  app.use(csrfProtection({ multipartPaths: [DOCUMENT_UPLOAD_PATH, TICKET_MESSAGE_PATH, APPROVAL_UPLOAD_PATH, APPROVAL_VERSION_PATH] }));

  app.use(authRoutes({ ...deps, plugins }));
  app.use(dashboardRoutes(deps));
  app.use(clientRoutes({ ...deps, plugins }));
  app.use(contactRoutes(deps));
  app.use(offerRoutes('proposal', { ...deps, plugins }));
  app.use(offerRoutes('quotation', { ...deps, plugins }));
  app.use(invoiceRoutes({ ...deps, plugins }));
  app.use(taskRoutes({ ...deps, plugins }));
  app.use(ticketRoutes({ ...deps, plugins, ...(options.virusScanner ? { virusScanner: options.virusScanner } : {}) }));
  app.use(requestRoutes({ ...deps, plugins }));
  app.use(appointmentRoutes({ ...deps, plugins }));
  app.use(approvalRoutes({ ...deps, plugins }));
  app.use(orderRoutes({ ...deps, plugins }));
  app.use(contractRoutes({ ...deps, plugins }));
  app.use(deviceRoutes(deps));
  app.use(documentRoutes({ ...deps, plugins }));
  app.use(knowledgeBaseRoutes(deps));
  app.use(requestCatalogueRoutes(deps));
  app.use(appointmentSetupRoutes(deps));
  app.use(settingsRoutes({ ...deps, plugins }));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
