// `npm run seed`: the demo data (idempotent), with the demo client logins for the portal.
// Development only: the demo accounts' passwords are published (README, start-up output), so it
// refuses with NODE_ENV=production; `npm run staff:create` makes real staff users there.
import { formatDemoLogins, seedReferenceCrm } from '../seed.ts';
import { seedPortalDemo } from '../seed-portal-demo.ts';
import { runCli } from './database.ts';

await runCli(async (db) => {
  if (process.env.NODE_ENV === 'production')
    throw new Error('npm run seed is for development: the demo accounts have published passwords. In production use npm run staff:create.');
  const logins = await seedReferenceCrm(db);
  const clients = await seedPortalDemo(db, logins.clients);
  // The seed leaves an existing account as it is: a password changed since is not the one printed.
  return `${formatDemoLogins(logins)}\nClient portal password for those contacts, as seeded: ${clients[0]?.password ?? '(none)'}`;
});
