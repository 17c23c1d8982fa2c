// `npm run migrate`: the reference CRM's own migrations, then the portal's (which check the
// adapter's claims first and create only the portal's tables).
import { hostProvides, migratePortal, verifyHostClaims } from '../../../src/index.ts';
import { createReferenceCrmAdapter } from '../binding/adapter.ts';
import { migrateReferenceCrm } from '../migrations/index.ts';
import { runCli } from './database.ts';

await runCli(async (db) => {
  await migrateReferenceCrm(db);
  const adapter = createReferenceCrmAdapter(db);
  await verifyHostClaims(db, adapter);
  await migratePortal(db, { hostProvides: hostProvides(adapter) });
  return 'Reference CRM and client portal migrations are up to date.';
});
