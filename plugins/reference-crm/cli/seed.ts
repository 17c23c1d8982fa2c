// `npm run seed`: the demo data (idempotent), with the demo client logins for the portal.
import { formatDemoLogins, seedReferenceCrm } from '../seed.ts';
import { seedPortalDemo } from '../seed-portal-demo.ts';
import { runCli } from './database.ts';

await runCli(async (db) => {
  const logins = await seedReferenceCrm(db);
  const clients = await seedPortalDemo(db, logins.clients);
  return `${formatDemoLogins(logins)}\nClient portal password for those contacts: ${clients[0]?.password ?? '(none)'}`;
});
