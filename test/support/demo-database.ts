// The reference CRM's demo data written into a database by the test itself. A production start
// (NODE_ENV=production) seeds nothing, so the tests that run the server as production and sign in
// as the demo's users (test/startup/production.test.ts, test/faults/) prepare the database first:
// the CRM's and the portal's migrations, then the demo seed. Idempotent, like the seed.
import { migratePortal } from '../../src/migrations/index.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { seedPortalDemo } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { hostProvides } from '../../src/core/host/verify-claims.ts';

export async function seedDemoDatabase(url: string): Promise<void> {
  const db = createKnex(url, 1);
  try {
    await migrateReferenceCrm(db);
    await migratePortal(db, { hostProvides: hostProvides(createReferenceCrmAdapter(db)) });
    const logins = await seedReferenceCrm(db);
    await seedPortalDemo(db, logins.clients);
  } finally {
    await db.destroy();
  }
}
