// The portal on a real CRM's database, as a binding's tests use it: the portal built with the
// binding's adapter on the CRM's own database (its session pool, offline flags on for one
// workspace, a mailer that keeps quiet unless given an SMTP server), and, for tests over HTTP, its client router served on a
// free port. close() ends what it opened; the CRM's database is the caller's.
import express from 'express';
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Knex } from 'knex';
import type pg from 'pg';
import { createPgPool } from '../../src/core/db/connect.ts';
import { createUnleashFlags } from '../../src/core/flags/unleash-flags.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { createCustomerPortal, type CustomerPortal } from '../../src/portal.ts';
import type { PortalConfigInput } from '../../src/core/config.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import type { FeatureFlags } from '../../src/core/ports/services.ts';
import { flagsFileFor } from './portal-harness.ts';

export interface PortalOnHost {
  portal: CustomerPortal;
  /** The client router's server (http://127.0.0.1:<port>), when `serve` was asked for. */
  url: string;
  /** The session store's pool, for counting a request's queries. */
  sessionPool: pg.Pool;
  close(): Promise<void>;
}

/**
 * One pass of the host-news reader as its timer runs it, with the last pass's claim released (as it
 * is after its four minutes), so a test may run passes back to back.
 */
export async function hostNewsPass(db: Knex, running: PortalOnHost) {
  await db('portal_host_news').update({ claimed_at: null });
  return running.portal.clientNotifications.hostNews();
}

export async function portalOnHost(options: {
  db: Knex;
  databaseUrl: string;
  adapter: HostAdapter;
  workspaceSlug: string;
  from: string;
  serve?: boolean;
  /** Settings over the defaults below (e.g. Stripe's). */
  config?: Partial<PortalConfigInput>;
  /** Where the mailer delivers (a test's SMTP capture); without it mail stays in the dev outbox. */
  smtpUrl?: string;
}): Promise<PortalOnHost> {
  const sessionPool: pg.Pool = createPgPool(options.databaseUrl);
  const flagsFile = flagsFileFor([options.workspaceSlug]);
  const flags: FeatureFlags = await createUnleashFlags({ bootstrapFile: flagsFile });
  const portal = createCustomerPortal({
    adapter: options.adapter,
    db: options.db,
    sessionPool,
    flags,
    mailer: createMailer({ from: options.from, logger: () => {}, ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}) }),
    config: {
      appUrl: 'http://localhost',
      sessionSecret: `${options.workspaceSlug}-host-secret-`.padEnd(48, 'x'),
      demoPaymentProvider: true,
      // The tests run the host news passes themselves (hostNewsPass), so none starts on its own.
      jobsAtStart: false,
      ...options.config,
    },
    logger: createPortalLogger({ level: 'error' }),
  });
  let server: Server | undefined;
  const close = async () => {
    if (server) {
      const open = server;
      await new Promise<void>((resolve) => {
        open.close(() => resolve());
        open.closeAllConnections?.();
      });
    }
    await portal.close();
    await flags.close();
    await sessionPool.end();
    rmSync(path.dirname(flagsFile), { recursive: true, force: true });
  };
  if (!options.serve) return { portal, url: '', sessionPool, close };
  try {
    await portal.migrate();
    const app = express();
    app.use('/portal', portal.clientRouter);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    return { portal, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sessionPool, close };
  } catch (error) {
    await close();
    throw error;
  }
}
