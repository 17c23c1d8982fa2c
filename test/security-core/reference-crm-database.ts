// The reference CRM and the portal's tables on one real database, for the fast tests of the
// acceptance, public-link, payment and workspace modules: the CRM's migrations and demo seed, then
// the portal's migrations, no app booted. Under the mutation run the database is kept per test
// process (reusableTestDatabase), so the seed runs once and tests create the rows they change.
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';

export interface ReferenceCrmDatabase {
  database: TestDatabase;
  db: Knex;
  adapter: HostAdapter;
  /** The id of the seed's workspace `demo`, and of its first client. */
  workspaceId: string;
  clientId: string;
  /** Another client of `demo`, and the id of the seed's workspace `acme`. */
  otherClientId: string;
  otherWorkspaceId: string;
  close(): Promise<void>;
}

export async function openReferenceCrmDatabase(name: string): Promise<ReferenceCrmDatabase> {
  const database = await reusableTestDatabase(name);
  const db = createKnex(database.url, 4);
  await migrateReferenceCrm(db);
  if (!(await db('workspaces').where({ slug: 'demo' }).first('id'))) await seedReferenceCrm(db);
  await migratePortal(db);
  const workspaceId = String((await db('workspaces').where({ slug: 'demo' }).first('id')).id);
  const otherWorkspaceId = String((await db('workspaces').where({ slug: 'acme' }).first('id')).id);
  const [first, second] = await db('clients')
    .where({ workspace_id: Number(workspaceId) })
    .orderBy('id')
    .limit(2)
    .select('id');
  return {
    database,
    db,
    adapter: createReferenceCrmAdapter(db),
    workspaceId,
    clientId: String(first.id),
    otherClientId: String(second.id),
    otherWorkspaceId,
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}
