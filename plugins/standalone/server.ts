// The standalone portal server's HTTP side: the client portal, the staff sign-in with CRM
// accounts, and the portal's staff pages (settings, client users, activity, records, inbox,
// notifications) behind it, in the order the reference CRM mounts them:
//   security headers → static CSS → client portal (its own cookie) → no-store → staff session →
//   sign-in/out → signed-in staff → the portal's staff routers → 404 → errors.
import express from 'express';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { listen } from '../../src/index.ts';
import { hostSecurityHeaders } from '../shared/host-http.ts';
import type { StandalonePortal } from './portal-setup.ts';
import { createStaffSession } from './staff-session.ts';
import { renderStaffError, requestLocale, STAFF_ASSETS, STAFF_PATHS } from './staff-pages.ts';
import { requireStaff, staffRoutes } from './staff-routes.ts';
import { staffSessionTableExists } from './queries/staff-sessions.ts';
import { StandaloneSetupError } from './binding.ts';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export function createStandaloneApp(running: StandalonePortal): express.Express {
  const { portal, adapter, binding, host, settings } = running;
  const crmName = binding.crmName;
  const app = express();
  app.disable('x-powered-by');
  if (settings.trustProxy !== undefined) app.set('trust proxy', settings.trustProxy);
  app.use(hostSecurityHeaders(settings.secureCookies));
  app.use(STAFF_ASSETS, express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  // A workspace's own domain becomes its portal before any other route is met.
  app.use(portal.hostRouting);
  app.get('/client-portal/tls-allowed', portal.tlsAllowed);
  app.use(STAFF_PATHS.portal, portal.clientRouter);

  // Staff pages hold client records and live public-link tokens: never cached after sign-out.
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(createStaffSession({ pool: running.sessionPool, secret: settings.sessionSecrets, secureCookies: settings.secureCookies }));
  app.use(staffRoutes({ crmName, host, adapter, portal, db: running.db, secureCookies: settings.secureCookies }));
  const signedIn = requireStaff(adapter, crmName);
  // The admin router lets admins only (the portal checks the role); any staff member reads the
  // inbox and their notifications.
  app.use(STAFF_PATHS.admin, signedIn, portal.adminRouter);
  app.use(STAFF_PATHS.notifications, signedIn, portal.notificationsRouter);
  app.use(STAFF_PATHS.messages, signedIn, portal.staffRouter);

  app.use((req, res) => {
    res
      .status(404)
      .type('html')
      .send(renderStaffError(req, crmName, requestLocale(req).t('staffSignIn:notFound')));
  });
  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) running.logger.error({ err }, 'request failed');
    const { t } = requestLocale(req);
    // Client errors (a body too large, malformed) say so plainly; anything else says nothing of the cause.
    const message =
      status >= 400 && status < 500 && err instanceof Error && (err as { expose?: boolean }).expose
        ? err.message
        : t(status === 404 ? 'staffSignIn:notFound' : 'staffSignIn:failed');
    if (!res.headersSent)
      res
        .status(status >= 400 && status < 600 ? status : 500)
        .type('html')
        .send(renderStaffError(req, crmName, message));
  });
  return app;
}

export interface ServingPortal {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Checks the CRM and the portal's tables, then listens on PORT. */
export async function serveStandalone(running: StandalonePortal): Promise<ServingPortal> {
  await running.portal.verifyHost();
  if (!(await staffSessionTableExists(running.db))) {
    throw new StandaloneSetupError(
      `the portal's tables are not there yet: run \`npm run portal -- migrate --host ${running.binding.name}\` first`,
    );
  }
  const app = createStandaloneApp(running);
  const { server, port } = await listen(app, running.settings.port, running.settings.host);
  const url = running.settings.port === 0 ? `http://localhost:${port}` : running.settings.appUrl;
  return {
    url,
    server,
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await running.closePortal();
      server.closeAllConnections();
      await stopped;
    },
  };
}
