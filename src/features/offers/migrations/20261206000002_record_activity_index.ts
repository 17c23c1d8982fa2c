// A record's activity on the staff record page (views, downloads, decisions, payments, public link
// opens of one proposal, quotation or invoice) was found by walking the client's whole activity,
// newest first, and testing each entry's details: the more a client did elsewhere, the slower the
// page. The record's id sits in the details under one of three keys (invoiceId, offerId or
// subjectId, never two at once); an index on it, newest first, reads the record's entries alone.
// Partial: entries about no record stay out of it. Only on the portal's own client_activity_logs.
import type { Knex } from 'knex';
import { onOwnedTable } from '../../../core/index.ts';

const INDEX = 'client_activity_logs_record_idx';

export async function up(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    'client_activity_logs',
    `create index if not exists ${INDEX} on client_activity_logs
       (workspace_id, client_id, (coalesce(details->>'invoiceId', details->>'offerId', details->>'subjectId')), created_at desc, id desc)
     where coalesce(details->>'invoiceId', details->>'offerId', details->>'subjectId') is not null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, 'client_activity_logs', `drop index if exists ${INDEX}`);
}
