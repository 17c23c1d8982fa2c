// A CRM's real schema (test/fixtures/real-schemas) in a database of its own, seeded as the CRM
// writes its rows, and the portal served on it from a binding file: in this process, as `npm run
// portal -- serve --binding FILE` serves it, or as the environment that command is run with. The
// set-up every test of a binding file on a real CRM shares; the schemas load with psql into a
// PostgreSQL server (realSchemaUnavailable in real-schema.ts says when a run has none).
import path from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { createFileBinding, type FileBinding } from '../../plugins/file-binding/adapter.ts';
import { readBindingFile } from '../../plugins/file-binding/load.ts';
import { fileStandaloneBinding } from '../../plugins/file-binding/standalone.ts';
import { openStandalonePortal, type StandalonePortal } from '../../plugins/standalone/portal-setup.ts';
import { createStaffSessionTable } from '../../plugins/standalone/queries/staff-sessions.ts';
import { createStandaloneApp } from '../../plugins/standalone/server.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';
import { flagsFileFor, linkFrom, postPasswordSignIn } from '../support/portal-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';

/** A CRM as its tests load it: the schema's file, and what is written on it before anything reads it. */
export interface RealCrm {
  /** A file of test/fixtures/real-schemas. */
  schema: string;
  /** Rows as the CRM writes them (and what the built schema lacks), given the database and its address. */
  seed?: (db: Knex, url: string) => Promise<void>;
}

export interface SeededCrm {
  database: TestDatabase;
  db: Knex;
  /** The mailbox the portal sends to, when asked for (`mail`). */
  smtp?: SmtpCapture;
  close(): Promise<void>;
}

/** The CRM's schema loaded and seeded; with `mail`, a mailbox for the portal's invitations. */
export async function seededCrm(crm: RealCrm, options: { mail?: boolean } = {}): Promise<SeededCrm> {
  const database = await loadRealSchema(crm.schema, BUILT_SCHEMAS_DIR);
  const db = createKnex(database.url);
  let smtp: SmtpCapture | undefined;
  const close = async () => {
    await smtp?.stop();
    await db.destroy();
    await database.drop();
  };
  try {
    await crm.seed?.(db, database.url);
    if (options.mail) smtp = await startSmtpCapture();
  } catch (err) {
    await close();
    throw err;
  }
  return { database, db, smtp, close };
}

/** The binding the file makes on this database, named as `--binding FILE` names it. */
export function bindingFromFile(db: Knex, file: string): Promise<FileBinding> {
  return createFileBinding(db, readBindingFile(file), { name: `file:${path.basename(file)}` });
}

/** The environment `npm run portal` runs with beside this CRM, for the workspace `slug`. */
export function portalEnv(crm: SeededCrm, slug: string): Record<string, string> {
  return {
    DATABASE_URL: crm.database.url,
    FLAGS_FILE: flagsFileFor([slug]),
    LOG_LEVEL: 'error',
    ...(crm.smtp ? { SMTP_URL: crm.smtp.url } : {}),
  };
}

/** The path of the invitation the portal mailed to `email` (the CRM seeded with `mail`). */
export async function invitationTo(crm: SeededCrm, email: string): Promise<string> {
  if (!crm.smtp) throw new Error('the CRM was seeded without a mailbox (mail: true)');
  return linkFrom((await crm.smtp.waitForMessage((m) => m.to.includes(email))).text, '/invitation/');
}

export interface ServedBindingFile {
  running: StandalonePortal;
  app: ReturnType<typeof createStandaloneApp>;
  /** An agent signed in with a password (the sign-in must answer 303). */
  signedIn(login: { email: string; password: string }): Promise<ReturnType<typeof request.agent>>;
  close(): Promise<void>;
}

/**
 * The portal served in this process from `file` beside the CRM, for the workspace `slug`, with its
 * own tables migrated as `portal migrate` leaves them (the staff sessions' included).
 */
export async function serveBindingFile(crm: SeededCrm, options: { file: string; slug: string }): Promise<ServedBindingFile> {
  const { file, slug } = options;
  const running = await openStandalonePortal(
    fileStandaloneBinding(file),
    // Invitations carry a link to the portal: where they are mailed, the portal has an address.
    { ...portalEnv(crm, slug), PORT: '0', ...(crm.smtp ? { APP_URL: 'http://portal.example' } : {}) },
    { command: 'serve', logger: createPortalLogger({ level: 'error' }) },
  );
  try {
    await running.portal.migrate();
    await createStaffSessionTable(running.db);
  } catch (err) {
    await running.close();
    throw err;
  }
  const app = createStandaloneApp(running);
  return {
    running,
    app,
    async signedIn(login) {
      const agent = request.agent(app);
      const answer = await postPasswordSignIn(agent, slug, login);
      if (answer.status !== 303) throw new Error(`sign-in as ${login.email} answered ${answer.status}`);
      return agent;
    },
    close: () => running.close(),
  };
}
