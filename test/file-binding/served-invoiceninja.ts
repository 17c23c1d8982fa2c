// Invoice Ninja's real schema with the shared sample, served in this process from a binding file
// as `npm run portal -- serve --binding FILE` serves it, with each contact's password set as Invoice
// Ninja's own portal stores it: for tests that sign in and send requests.
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type { Knex } from 'knex';
import { INVOICENINJA } from './real-schema.ts';
import { type ServedBindingFile, seededCrm, serveBindingFile } from './serve-binding-file.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const INVOICENINJA_FILE = path.join(ROOT, 'bindings/invoiceninja.yaml');
/** The sample company's key, its workspace's slug. */
export const INVOICENINJA_SLUG = 'barscompanykey01';
/** The sample's two contacts (of two clients), and the passwords this set-up gives them. */
export const INVOICENINJA_LOGINS = {
  claire: { email: 'bars.client@example.test', password: 'contact-1-password' },
  oscar: { email: 'oscar@other.test', password: 'contact-2-password' },
};

export interface ServedInvoiceNinja extends Pick<ServedBindingFile, 'app' | 'signedIn' | 'close'> {
  db: Knex;
}

/** `seed` runs on the host's database before the portal opens (rows the test needs). */
export async function serveInvoiceNinja(options: { file?: string; seed?: (db: Knex) => Promise<void> } = {}): Promise<ServedInvoiceNinja> {
  const crm = await seededCrm({
    ...INVOICENINJA,
    async seed(db, url) {
      await INVOICENINJA.seed!(db, url);
      // Passwords as Invoice Ninja's own client portal stores them (Laravel's bcrypt, $2y$).
      for (const [id, login] of [INVOICENINJA_LOGINS.claire, INVOICENINJA_LOGINS.oscar].entries())
        await db('client_contacts')
          .where({ id: id + 1 })
          .update({ password: bcrypt.hashSync(login.password, 4).replace(/^\$2a\$/, '$2y$') });
      await options.seed?.(db);
    },
  });
  const served = await serveBindingFile(crm, { file: options.file ?? INVOICENINJA_FILE, slug: INVOICENINJA_SLUG }).catch(async (err) => {
    await crm.close();
    throw err;
  });
  return {
    db: crm.db,
    app: served.app,
    signedIn: served.signedIn,
    async close() {
      await served.close();
      await crm.close();
    },
  };
}
