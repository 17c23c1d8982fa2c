// Invoice Ninja's real schema with the shared sample, served in this process from a binding file
// as `npm run portal -- serve --binding FILE` serves it, with each contact's password set as Invoice
// Ninja's own portal stores it: for tests that sign in and send requests.
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type { Knex } from 'knex';
import request from 'supertest';
import { fileStandaloneBinding } from '../../plugins/file-binding/standalone.ts';
import { openStandalonePortal, type StandalonePortal } from '../../plugins/standalone/portal-setup.ts';
import { createStaffSessionTable } from '../../plugins/standalone/queries/staff-sessions.ts';
import { createStandaloneApp } from '../../plugins/standalone/server.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { flagsFileFor, postPasswordSignIn } from '../support/portal-harness.ts';
import { loadInvoiceNinjaSample } from './real-schema.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const INVOICENINJA_FILE = path.join(ROOT, 'bindings/invoiceninja.yaml');
/** The sample company's key, its workspace's slug. */
export const INVOICENINJA_SLUG = 'barscompanykey01';
/** The sample's two contacts (of two clients), and the passwords this set-up gives them. */
export const INVOICENINJA_LOGINS = {
  claire: { email: 'bars.client@example.test', password: 'contact-1-password' },
  oscar: { email: 'oscar@other.test', password: 'contact-2-password' },
};

export interface ServedInvoiceNinja {
  db: Knex;
  app: ReturnType<typeof createStandaloneApp>;
  /** An agent signed in with a password (the sign-in must answer 303). */
  signedIn(login: { email: string; password: string }): Promise<ReturnType<typeof request.agent>>;
  close(): Promise<void>;
}

/** `seed` runs on the host's database before the portal opens (rows the test needs). */
export async function serveInvoiceNinja(options: { file?: string; seed?: (db: Knex) => Promise<void> } = {}): Promise<ServedInvoiceNinja> {
  const { database, db } = await loadInvoiceNinjaSample();
  let running: StandalonePortal | undefined;
  try {
    // Passwords as Invoice Ninja's own client portal stores them (Laravel's bcrypt, $2y$).
    for (const [id, login] of [INVOICENINJA_LOGINS.claire, INVOICENINJA_LOGINS.oscar].entries())
      await db('client_contacts')
        .where({ id: id + 1 })
        .update({ password: bcrypt.hashSync(login.password, 4).replace(/^\$2a\$/, '$2y$') });
    await options.seed?.(db);
    running = await openStandalonePortal(
      fileStandaloneBinding(options.file ?? INVOICENINJA_FILE),
      { DATABASE_URL: database.url, FLAGS_FILE: flagsFileFor([INVOICENINJA_SLUG]), PORT: '0' },
      { command: 'serve', logger: createPortalLogger({ level: 'error' }) },
    );
    await running.portal.migrate();
    await createStaffSessionTable(running.db);
  } catch (err) {
    await running?.close();
    await db.destroy();
    await database.drop();
    throw err;
  }
  const app = createStandaloneApp(running);
  const portal = running;
  return {
    db,
    app,
    async signedIn(login) {
      const agent = request.agent(app);
      const answer = await postPasswordSignIn(agent, INVOICENINJA_SLUG, login);
      if (answer.status !== 303) throw new Error(`sign-in as ${login.email} answered ${answer.status}`);
      return agent;
    },
    async close() {
      await portal.close();
      await db.destroy();
      await database.drop();
    },
  };
}
