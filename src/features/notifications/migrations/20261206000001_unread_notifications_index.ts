// Unread notifications are the activity rows of a few events past a staff user's cursor (an id):
// counted for the badge on every staff page. With (workspace_id, event, id) the count reads only
// the rows past the cursor; the index on (workspace_id, event, created_at) made it read every row
// of those events the workspace ever logged. Only on the portal's own client_activity_logs: a host
// table of that name is left as it is.
import type { Knex } from 'knex';
import { onOwnedTable } from '../../../core/index.ts';

const INDEX = 'client_activity_logs_workspace_event_id_idx';

export async function up(knex: Knex): Promise<void> {
  await onOwnedTable(knex, 'client_activity_logs', `create index if not exists ${INDEX} on client_activity_logs (workspace_id, event, id)`);
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, 'client_activity_logs', `drop index if exists ${INDEX}`);
}
