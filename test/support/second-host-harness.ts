// Boots the portal against the second, Dolibarr-like CRM the way an integrator of that CRM would:
// a fresh database loaded with the fixture's schema.sql and seed.sql, the fixture's adapter,
// offline Unleash flags from a flags file enabling the entity's workspace, mail to a real
// in-process SMTP server, `portal.migrate()`, and an express app mounting the client router at
// /portal, listening on a free port. Tests talk to it over HTTP.
import express from 'express';
import { readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type pg from 'pg';
import request from 'supertest';
import { createKnex, createPgPool } from '../../src/db/connect.ts';
import { createUnleashFlags } from '../../src/flags/unleash-flags.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { createCustomerPortal, type CustomerPortal } from '../../src/portal.ts';
import type { HostAdapter } from '../../src/ports/host.ts';
import type { FeatureFlags } from '../../src/ports/services.ts';
import { createSecondCrmAdapter } from '../../plugins/second-crm/adapter.ts';
import { writeSeededFiles } from '../fixtures/second-crm/files.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { runSql } from './host-fixtures.ts';
import { flagsFileFor } from './portal-harness.ts';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.ts';
import { createPortalLogger } from '../../src/ops/logging.ts';

/** The slug the adapter derives from entity 1's label, "Atelier Nord". */
export const SECOND_WORKSPACE = 'atelier-nord';
export const SECOND_OTHER_WORKSPACE = 'atelier-sud';

/** Contacts of the seed with their plaintext passwords (see the header of seed.sql). */
export const SECOND_LOGINS = {
  claire: { contactId: '1', email: 'claire@martin.example', password: 'Claire-bakery-2026', name: 'Claire Martin', hash: 'argon2' },
  marc: { contactId: '2', email: 'marc@dupont.example', password: 'Marc-garage-2026', name: 'Marc Dupont', hash: 'bcrypt' },
  lea: { contactId: '3', email: 'lea@dupont.example', password: null, name: 'Lea Dupont', hash: null },
  hugo: { contactId: '5', email: 'hugo@martin.example', password: 'Hugo-disabled-2026', name: 'Hugo Martin', hash: 'argon2' },
  jean: { contactId: '6', email: 'jean@dupont.example', password: 'Jean-removed-2026', name: 'Jean Dupont', hash: 'bcrypt' },
  sophie: { contactId: '7', email: 'sophie@martin.example', password: 'Sophie-bakery-2026', name: 'Sophie Martin', hash: 'bcrypt' },
  giulia: { contactId: '8', email: 'giulia@rossi.example', password: 'Giulia-cave-2026', name: 'Giulia Rossi', hash: 'argon2' },
} as const;

const fixtureFile = (name: string) => fileURLToPath(new URL(`../fixtures/second-crm/${name}`, import.meta.url));

/** Loads the fixture's schema and seed into an empty database. */
export async function loadSecondCrm(url: string): Promise<void> {
  await runSql(url, readFileSync(fixtureFile('schema.sql'), 'utf8'));
  await runSql(url, readFileSync(fixtureFile('seed.sql'), 'utf8'));
}

export interface SecondHost {
  url: string;
  database: TestDatabase;
  db: Knex;
  adapter: HostAdapter;
  portal: CustomerPortal;
  smtp: SmtpCapture;
  agent(): ReturnType<typeof request.agent>;
  close(): Promise<void>;
}

export interface SecondHostOptions {
  /** Run `portal.migrate()` before listening (default true); off for tests that migrate themselves. */
  migrate?: boolean;
  /** Wraps the fixture's adapter, e.g. to claim something the schema lacks. */
  adapter?: (db: Knex) => HostAdapter;
}

export async function startSecondHost(options: SecondHostOptions = {}): Promise<SecondHost> {
  const database = await createTestDatabase();
  const cleanups: Array<() => Promise<void> | void> = [() => database.drop()];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    await loadSecondCrm(database.url);
    const db = createKnex(database.url);
    cleanups.push(() => db.destroy());
    const sessionPool: pg.Pool = createPgPool(database.url);
    cleanups.push(() => sessionPool.end());
    const smtp = await startSmtpCapture();
    cleanups.push(() => smtp.stop());
    const flagsFile = flagsFileFor([SECOND_WORKSPACE]);
    cleanups.push(() => rmSync(path.dirname(flagsFile), { recursive: true, force: true }));
    const flags: FeatureFlags = await createUnleashFlags({ bootstrapFile: flagsFile });
    cleanups.push(() => flags.close());

    const dataRoot = writeSeededFiles();
    cleanups.push(() => rmSync(dataRoot, { recursive: true, force: true }));
    const adapter = options.adapter ? options.adapter(db) : createSecondCrmAdapter(db, { dataRoot });
    // The app URL is only known once the server listens; links in emails are read back as paths.
    const portal = createCustomerPortal({
      adapter,
      db,
      sessionPool,
      flags,
      mailer: createMailer({ smtpUrl: smtp.url, from: 'Atelier Nord <portal@atelier.example>' }),
      config: { appUrl: 'http://localhost', sessionSecret: 'second-host-secret-'.padEnd(48, 'x'), demoPaymentProvider: true },
      logger: createPortalLogger({ level: 'error' }),
    });
    cleanups.push(() => portal.close());
    if (options.migrate !== false) await portal.migrate();

    const app = express();
    app.use('/portal', portal.clientRouter);
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        }),
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return { url, database, db, adapter, portal, smtp, agent: () => request.agent(url), close };
  } catch (err) {
    await close();
    throw err;
  }
}
