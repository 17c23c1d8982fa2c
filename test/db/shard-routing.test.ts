// The check the isolation matrix applies to every owner's request (test/support/shard-routing.ts):
// it names what would reach every shard and passes what names the workspace.
import { expect } from 'chai';
import { statementsReachingEveryShard } from '../support/shard-routing.ts';

describe('statements that would reach every shard', function () {
  it('names a statement on a workspace table without a workspace_id condition', function () {
    const unrouted = [
      'select "id" from "portal_files" where "id" = ?',
      'update "client_login_codes" set "consumed_at" = CURRENT_TIMESTAMP where "id" = ? and "consumed_at" is null',
      'insert into "portal_file_chunks" ("content", "file_id", "seq") values (?, ?, ?)',
      'select * from client_users u join clients c on c.id = u.client_id where u.email = ?',
      // The reference CRM's workspace tables, which the binding reads for every page.
      'select * from "invoices" where "id" = ?',
      'select * from "payments" as "pm" where "pm"."invoice_id" = ?',
      // A subquery that finds its workspace through the outer row: Citus sends it to every shard.
      'select "o"."id", coalesce((select sum(li.unit_price_cents) from "invoice_items" li where li.workspace_id = "o"."workspace_id" and li."invoice_id" = "o"."id"), 0) as total_cents from "invoices" as "o" where "o"."workspace_id" = ?',
      'select "x"."id", case x.record_type when \'invoice\' then (select i.number from invoices i where i.id = x.record_id) end as record_label from "documents" as "x" where "x"."workspace_id" = ?',
    ];
    expect(statementsReachingEveryShard(unrouted)).to.deep.equal(unrouted);
  });

  it('passes a statement that names the workspace, and one on other tables', function () {
    expect(
      statementsReachingEveryShard([
        'select "id" from "portal_files" where "workspace_id" = ? and "id" = ?',
        'select * from "client_users" as "u" where "u"."workspace_id" in (?) and "u"."email" = ?',
        'insert into "portal_file_chunks" ("content", "file_id", "seq", "workspace_id") values (?, ?, ?, ?)',
        'select "sess" from "client_sessions" where "sid" = $1',
        'select * from "workspaces" where "slug" = ?',
        'select * from "client_payments" where "workspace_id" = ? and "id" = ?',
        'select "o"."id", coalesce((select sum(li.unit_price_cents) from "invoice_items" li where li.workspace_id = ? and li."invoice_id" = "o"."id"), 0) as total_cents from "invoices" as "o" where "o"."workspace_id" = ?',
        'select (select coalesce(json_agg(q), \'[]\'::json) from (select "id" from "invoices" where "workspace_id" = $1 limit $2) q) as invoices',
        'BEGIN;',
        '/* across workspaces: housekeeping */ delete from "portal_live_events" where "created_at" < ?',
      ]),
    ).to.deep.equal([]);
  });

  it('names an insert into a workspace table of what it selects from one, a form Citus routes only sometimes', function () {
    const collected = [
      // "Order again" as it was, into a table with a serial id: Citus sent it to every shard.
      'insert into order_lines (workspace_id, order_id, position, description) select workspace_id, $1, position, description from order_lines where workspace_id = $2 and order_id = $3 order by position, id',
      'insert into "portal_notification_item_reads" ("workspace_id", "staff_user_id", "activity_id") select ?, ?, a.id from client_activity_logs a where a.workspace_id = ? and a.id = ?',
    ];
    expect(statementsReachingEveryShard(collected)).to.deep.equal(collected);
    expect(
      statementsReachingEveryShard([
        // Values, and a select of constants that reads no table.
        'insert into "order_lines" ("description", "order_id", "position", "workspace_id") values (?, ?, ?, ?), (?, ?, ?, ?)',
        'insert into client_login_codes (workspace_id, client_user_id, code_hash, expires_at) select ?, ?, ?, ? where ?',
      ]),
    ).to.deep.equal([]);
  });

  it('names an insert on a workspace table whose ON CONFLICT update calls a function, which Citus refuses', function () {
    const refused = [
      // A notification marked read as it was: the cluster answered "functions used in the DO UPDATE
      // SET clause of INSERTs on distributed tables must be marked IMMUTABLE".
      'insert into "portal_notification_item_reads" ("activity_id", "staff_user_id", "workspace_id") values ($1, $2, $3) on conflict ("workspace_id", "staff_user_id", "activity_id") do update set "created_at" = CURRENT_TIMESTAMP',
      'insert into "portal_sso_identities" ("client_user_id", "provider_id", "subject", "workspace_id") values (?, ?, ?, ?) on conflict ("workspace_id", "provider_id", "subject") do update set "client_user_id" = ?, "last_used_at" = now() returning "id"',
    ];
    expect(statementsReachingEveryShard(refused)).to.deep.equal(refused);
    expect(
      statementsReachingEveryShard([
        // The inserted row's own values, and a function in the values rather than in the update.
        'insert into "portal_notification_item_reads" ("activity_id", "staff_user_id", "workspace_id") values ($1, $2, $3) on conflict ("workspace_id", "staff_user_id", "activity_id") do update set "created_at" = excluded.created_at',
        'insert into "portal_notification_reads" ("workspace_id", "staff_user_id", "last_read_activity_id", "updated_at") values (?, ?, ?, now()) on conflict ("workspace_id", "staff_user_id") do update set "last_read_activity_id" = greatest(portal_notification_reads.last_read_activity_id, excluded.last_read_activity_id), "updated_at" = excluded.updated_at returning now()',
      ]),
    ).to.deep.equal([]);
  });

  it('reads a table name whole: portal_files is not portal_files_archive', function () {
    expect(statementsReachingEveryShard(['select * from "portal_files_archive" where "id" = ?'])).to.deep.equal([]);
  });
});
