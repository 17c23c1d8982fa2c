// The mail outbox and the repeat guard. Mail is queued in the request's transaction and sent by a
// worker in every app instance, so a request never waits on SMTP (its time does not reveal whether
// an email went out) and a message survives SMTP being down or the process dying mid-send. The
// repeat guard remembers a request for a few seconds so a double click does not send twice.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables, onOwnedTable } from '../core/index.ts';

const MIGRATION = '20261124000001_mail_outbox_and_request_guards';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_mail_outbox', (t) => {
    t.comment('Emails waiting to be sent (or sent): claimed by one worker at a time with a lease, retried with backoff.');
    t.bigIncrements('id');
    t.string('recipient', 320).notNullable();
    t.text('payload').comment(
      'Subject and body, encrypted with a key from the session secret (they carry codes and links); emptied once sent.',
    );
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable().comment('Epoch ms; not tried before then (backoff after a failure).');
    t.bigInteger('locked_until').comment(
      'Epoch ms; a worker holds the message until then. An expired lease means that worker died: retried.',
    );
    t.bigInteger('sent_at').comment('Epoch ms of delivery to the SMTP server.');
    t.bigInteger('gave_up_at').comment('Epoch ms; set after the last allowed attempt failed.');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await onOwnedTable(
    knex,
    'portal_mail_outbox',
    'create index if not exists portal_mail_outbox_due_idx on portal_mail_outbox (next_attempt_at) where sent_at is null and gave_up_at is null',
  );

  await createOwnedTable(knex, MIGRATION, 'portal_request_guards', (t) => {
    t.comment(
      'Requests seen in the last few seconds (e.g. a code request, an invitation), so a repeat is answered without doing it again.',
    );
    t.string('key', 255).primary();
    t.string('outcome', 60).comment('What the first request answered, for the repeat to answer the same.');
    t.bigInteger('expire').notNullable().comment('Epoch ms.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
