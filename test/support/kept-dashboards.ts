// For tests of what the dashboard's read of the host costs: a kept dashboard would answer instead
// (src/features/dashboard/kept-dashboard.ts), so they drop what is kept and the next view reads the
// host, as the first view after a change does.
import type { Knex } from 'knex';

export async function forgetKeptDashboards(db: Knex): Promise<void> {
  await db('portal_client_summaries').delete();
}
