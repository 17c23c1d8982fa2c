// Scale data for the benchmark and the query-plan test, generated in SQL (generate_series) so a
// million rows take seconds to minutes, not hours. Everything goes to one workspace (the demo one,
// whose clients sign in), spread evenly over its client companies, so every client — the signed-in
// demo clients included — holds its share: rows / companies invoices, proposals and quotations.
// Row g goes to company g % companies; its status, currency and the like follow its turn at that
// company (g / companies), so every company holds every status in the same proportions. (Taken from
// g itself, they would follow the company: the first company, the signed-in one, held only drafts,
// which its pages never show.)
// Portal tables get other users' sessions and activity, so per-user reads must use their indexes.
import type { Knex } from 'knex';

export interface ScaleSize {
  companies: number;
  contactsPerCompany: number;
  invoices: number;
  /** Proposals and quotations together, half each. */
  offers: number;
  tasks: number;
  documents: number;
  sessions: number;
  activity: number;
}

export const SCALE_SIZES = {
  /** The target size. */
  full: {
    companies: 1_000,
    contactsPerCompany: 5,
    invoices: 1_000_000,
    offers: 1_000_000,
    tasks: 100_000,
    documents: 100_000,
    sessions: 100_000,
    activity: 200_000,
  },
  /** The same shape, a tenth of it. */
  quick: {
    companies: 1_000,
    contactsPerCompany: 5,
    invoices: 100_000,
    offers: 100_000,
    tasks: 10_000,
    documents: 10_000,
    sessions: 10_000,
    activity: 20_000,
  },
  /**
   * The baseline the latency ratio compares with: 1,000 rows. Over 10 companies, so that the
   * signed-in one holds a full page of every list here too: spread over 1,000 it held one row of
   * each, and the ratio measured rendering a page of rows against rendering one, not the data's size.
   */
  small: {
    companies: 10,
    contactsPerCompany: 5,
    invoices: 1_000,
    offers: 1_000,
    tasks: 1_000,
    documents: 1_000,
    sessions: 1_000,
    activity: 1_000,
  },
  /** Enough for the planner to prefer indexes, small enough to seed in seconds on the embedded database. */
  plans: {
    companies: 200,
    contactsPerCompany: 2,
    invoices: 20_000,
    offers: 20_000,
    tasks: 4_000,
    documents: 2_000,
    sessions: 10_000,
    activity: 10_000,
  },
} satisfies Record<string, ScaleSize>;

export async function seedScaleData(db: Knex, workspaceSlug: string, size: ScaleSize): Promise<void> {
  const ws = (await db('workspaces').where({ slug: workspaceSlug }).first('id')) as { id: number } | undefined;
  if (!ws) throw new Error(`no workspace ${workspaceSlug}`);
  const w = ws.id;
  await db.raw(`insert into clients (workspace_id, name) select ?, 'Scale company ' || g from generate_series(1, ?) g`, [
    w,
    size.companies,
  ]);
  // The workspace's client ids as an array, to spread rows over them evenly.
  const clientIds = `(select array_agg(id order by id) as a from clients where workspace_id = ${Number(w)})`;
  /** Row g's turn at its company, for the columns that should vary within one company's rows. */
  const turn = `(g / array_length(c.a, 1))`;
  await db.raw(
    `insert into contacts (workspace_id, client_id, name, email)
     select ?, c.a[1 + g % array_length(c.a, 1)], 'Scale contact ' || g, 'scale-' || g || '@example.test'
       from generate_series(1, ?) g, ${clientIds} c`,
    [w, size.companies * size.contactsPerCompany],
  );
  await db.raw(
    `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date)
     select ?, c.a[1 + g % array_length(c.a, 1)], 'SI-' || g,
            (array['draft', 'sent', 'paid', 'overdue', 'void'])[1 + ${turn} % 5],
            (array['USD', 'EUR'])[1 + ${turn} % 2],
            date '2026-01-01' + (g % 300), date '2026-01-31' + (g % 300)
       from generate_series(1, ?) g, ${clientIds} c`,
    [w, size.invoices],
  );
  await db.raw('analyze invoices');
  // One line on every invoice, a payment on every fourth.
  await db.raw(
    `insert into invoice_items (workspace_id, invoice_id, position, description, quantity, unit_price_cents)
     select workspace_id, id, 1, 'Scale work', 1 + id % 3, 10000 + id % 5000 from invoices where workspace_id = ? and number like 'SI-%'`,
    [w],
  );
  await db.raw(
    `insert into payments (workspace_id, invoice_id, amount_cents, method) select workspace_id, id, 5000, 'transfer' from invoices where workspace_id = ? and number like 'SI-%' and id % 4 = 0`,
    [w],
  );
  for (const table of ['proposals', 'quotations']) {
    await db.raw(
      `insert into ${table} (workspace_id, client_id, number, title, status, currency)
       select ?, c.a[1 + g % array_length(c.a, 1)], 'S${table[0]!.toUpperCase()}-' || g, 'Scale offer ' || g,
              (array['draft', 'sent', 'accepted', 'declined', 'expired'])[1 + ${turn} % 5], 'USD'
         from generate_series(1, ?) g, ${clientIds} c`,
      [w, Math.floor(size.offers / 2)],
    );
  }
  await db.raw(
    `insert into tasks (workspace_id, client_id, title, status)
     select ?, c.a[1 + g % array_length(c.a, 1)], 'Scale task ' || g, (array['open', 'in_progress', 'done'])[1 + ${turn} % 3]
       from generate_series(1, ?) g, ${clientIds} c`,
    [w, size.tasks],
  );
  await db.raw(
    `insert into documents (workspace_id, client_id, filename, content_type, size_bytes, content, shared_with_client)
     select ?, c.a[1 + g % array_length(c.a, 1)], 'scale-' || g || '.txt', 'text/plain', 5, 'scale'::bytea, ${turn} % 2 = 0
       from generate_series(1, ?) g, ${clientIds} c`,
    [w, size.documents],
  );
  // Other client users' sessions and activity in the portal's own tables.
  await db.raw(
    `insert into client_sessions (sid, sess, expire)
     select md5('scale-session-' || g),
            json_build_object('cookie', json_build_object(), 'portal', json_build_object('workspaceId', ?::text, 'clientUserId', md5('user-' || (g % 5000))::uuid::text, 'signedInAt', now()::text)),
            now() + interval '1 day' - (g % 1000) * interval '1 minute'
       from generate_series(1, ?) g`,
    [String(w), size.sessions],
  );
  await db.raw(
    `insert into client_activity_logs (workspace_id, client_user_id, client_id, email, event, created_at)
     select ?, md5('user-' || (g % 5000))::uuid, c.a[1 + g % array_length(c.a, 1)]::text, 'scale-' || (g % 5000) || '@example.test',
            (array['sign_in.succeeded', 'account.updated', 'session.revoked'])[1 + g % 3], now() - g * interval '1 second'
       from generate_series(1, ?) g, ${clientIds} c`,
    [String(w), size.activity],
  );
  // As autovacuum would after this many inserts: statistics for the planner, and the visibility map
  // that lets an index-only scan skip the table. Without the vacuum every index-only scan visits
  // the table for each row (the dashboard's counts read 1,000 table rows per company at full size).
  await db.raw('vacuum analyze');
}
