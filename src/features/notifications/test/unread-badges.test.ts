// The CRM header's two badges (unread client notifications, unread client messages) are on every
// staff page, so their counts stop at COUNT_LIMIT ("99+") and read only the rows past the staff
// member's cursor or read marker: checked with EXPLAIN ANALYZE on a workspace with thousands of
// rows already read, on both databases. The staff inbox counts each conversation's the same way.
import { eventsFor } from '../rules.ts';
import { expect } from 'chai';
import { COUNT_LIMIT } from '../../../core/index.ts';
import { analyzed, everyScanIndexed, recordedDuring, rowsRead } from '../../../../test/support/plans.ts';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

const ALREADY_READ = 2_000;

describe('the CRM header badges on a busy workspace', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let staff: ReturnType<PortalHarness['agent']>;
  let workspaceId: string;
  let clientId: string;

  before(async function () {
    h = await startPortalHarness();
    staff = await signedInStaffAgent(h, 'demo');
    const login = h.crm.staffLogins.clients.find((l) => l.workspaceSlug === 'demo')!;
    workspaceId = login.workspaceId;
    clientId = login.clientId;
  });
  after(async function () {
    await h?.close();
  });

  const logViews = (count: number) =>
    h.crm.db.raw(
      `insert into client_activity_logs (workspace_id, client_id, event, details) select ?, ?, 'offer.viewed', '{}'::jsonb from generate_series(1, ?)`,
      [workspaceId, clientId, count],
    );

  async function conversationId(): Promise<string> {
    const found = await h.crm.db('portal_conversations').where({ workspace_id: workspaceId, client_id: clientId }).first('id');
    if (found) return String(found.id);
    const [row] = await h.crm
      .db('portal_conversations')
      .insert({ workspace_id: workspaceId, client_id: clientId, last_message_at: h.crm.db.fn.now() })
      .returning('id');
    return String(row.id);
  }
  const clientWrites = async (count: number) =>
    h.crm.db.raw(
      `insert into portal_messages (workspace_id, client_id, conversation_id, author_side, author_name, body)
     select ?, ?, ?, 'client', 'Maria', 'Message ' || n from generate_series(1, ?) as n`,
      [workspaceId, clientId, await conversationId(), count],
    );

  /** The CRM's start page, and how many rows of `table` the header's count of it read (checked to start past the cursor). */
  async function headerCount(table: 'client_activity_logs' | 'portal_messages'): Promise<{ html: string; rowsRead: number }> {
    // Statistics as autovacuum would have them after the inserts (the embedded database runs none).
    await h.crm.db.raw('analyze client_activity_logs, portal_messages');
    const { result: html, recorded } = await recordedDuring(async () => (await staff.get('/').expect(200)).text);
    const statement = recorded.find((q) => /count\(\*\)/.test(q.sql) && new RegExp(`\\b${table}\\b`).test(q.sql));
    expect(statement, `the header counted from ${table}`).to.not.equal(undefined);
    const plan = await analyzed(h.crm.sessionPool, statement!);
    // Every scan starts past the cursor: an index condition on the id (`id > …`, or a row comparison ending in it).
    expect(everyScanIndexed(plan, table, /\bid\)? > /), `${table} read from the cursor on: ${JSON.stringify(plan)}`).to.equal(true);
    return { html, rowsRead: rowsRead(plan, table) };
  }

  it('counts unread notifications up to the limit, reading only the rows past the cursor', async function () {
    await logViews(ALREADY_READ);
    const list = await staff.get('/client-portal/notifications').expect(200);
    await staff
      .post('/client-portal/notifications/read')
      .type('form')
      .send({ _csrf: csrfFrom(list.text) })
      .expect(303);
    expect((await staff.get('/').expect(200)).text).to.not.match(/Client notifications <span class="badge">/);

    await logViews(3);
    const few = await headerCount('client_activity_logs');
    expect(few.html).to.match(/Client notifications <span class="badge">3<span class="visually-hidden"> unread/);
    expect(few.rowsRead, 'rows read for three unread').to.be.at.most(3);

    await logViews(COUNT_LIMIT + 50);
    const many = await headerCount('client_activity_logs');
    expect(many.html).to.match(/Client notifications <span class="badge">99\+<span class="visually-hidden"> unread/);
    // The count reads each notifying event in a loop; EXPLAIN rounds a loop's rows to a whole average,
    // so the product may be off by up to half a row per loop.
    const rounding = Math.ceil(eventsFor('in_app').length / 2);
    expect(many.rowsRead, `rows read with ${ALREADY_READ} read and ${COUNT_LIMIT + 53} unread`).to.be.at.most(COUNT_LIMIT + rounding);
    const page = await staff.get('/client-portal/notifications').expect(200);
    expect(page.text).to.include('<title>Notifications (99+ unread)').and.include('99+ unread notifications.');
  });

  it('counts unread client messages up to the limit, reading only the messages past the read marker', async function () {
    await clientWrites(ALREADY_READ);
    await staff.get(`/client-messages/${clientId}`).expect(200); // opening the conversation reads it
    const none = await headerCount('portal_messages');
    expect(none.html).to.not.match(/Client messages <span class="badge">/);
    expect(none.rowsRead, 'rows read with everything read').to.equal(0);

    await clientWrites(5);
    const few = await headerCount('portal_messages');
    expect(few.html).to.match(/Client messages <span class="badge">5<span class="visually-hidden"> unread/);
    expect(few.rowsRead).to.be.at.most(5);

    await clientWrites(COUNT_LIMIT + 50);
    const many = await headerCount('portal_messages');
    expect(many.html).to.match(/Client messages <span class="badge">99\+<span class="visually-hidden"> unread/);
    expect(many.rowsRead, `rows read with ${ALREADY_READ} read and ${COUNT_LIMIT + 55} unread`).to.be.at.most(COUNT_LIMIT);
  });

  it("counts each conversation's unread messages in the staff inbox up to the limit too", async function () {
    await clientWrites(COUNT_LIMIT + 50);
    await h.crm.db.raw('analyze portal_messages');
    const { result: inbox, recorded } = await recordedDuring(async () => (await staff.get('/client-messages').expect(200)).text);
    expect(inbox).to.include('<span class="chip__text">99+ unread</span>').and.include('99+ unread messages');
    const statement = recorded.find(
      (q) => /\bportal_conversations\b/.test(q.sql) && /\bunread\b/.test(q.sql) && /\blast_body\b/.test(q.sql),
    );
    expect(statement, 'the inbox statement').to.not.equal(undefined);
    // The unread count, and the latest message's author and text (one row each).
    const read = rowsRead(await analyzed(h.crm.sessionPool, statement!), 'portal_messages');
    expect(read, `rows read with ${ALREADY_READ} read and more than ${COUNT_LIMIT} unread`).to.be.at.most(COUNT_LIMIT + 2);
  });
});
