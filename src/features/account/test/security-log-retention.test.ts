// How long the sign-in and security log keeps an entry: Acme's admin keeps it 30 days (the
// settings form, post/redirect/get); Bravo never saved settings and keeps it the default 365 days.
// One pass of the retention deletes, in each workspace by its own period, the security entries
// older than it, oldest first, in statements of at most 1000 rows each (2,502 of Acme's in three),
// each naming its workspace; it keeps the recent ones, every other kind of activity however old
// (an invoice viewed, a sign-out), and the other workspace's entries within its own period. A
// second pass deletes nothing. The deletion reads the partial index of the security events by age.
import { expect } from 'chai';
import { countQueries, type QueryCounter } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { ADMIN_PATH, createTestHost, csrfFrom, type TestHost } from '../../../../test/support/test-host.ts';
import type { HostWorkspace } from '../../../core/index.ts';
import { SECURITY_EVENTS } from '../security-log/events.ts';
import { createSecurityLogRetention } from '../security-log/retention.ts';

const DAY_MS = 86_400_000;
const NOW = new Date('2027-07-09T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

describe('sign-in and security log retention', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let host: TestHost;
  let acme: HostWorkspace;
  let bravo: HostWorkspace;
  let counter: QueryCounter;
  const errors: string[] = [];
  const retention = () =>
    createSecurityLogRetention({
      db: host.db,
      now: () => NOW,
      logger: { info: () => undefined, error: (message) => errors.push(message) },
    });

  const entry = (workspace: HostWorkspace, event: string, createdAt: Date, marker: string) => ({
    workspace_id: workspace.id,
    client_user_id: '00000000-0000-4000-8000-00000000000a',
    client_id: 'c-1',
    email: 'pat@client.test',
    event,
    details: JSON.stringify({ marker }),
    created_at: createdAt,
  });
  const markers = async (workspace: HostWorkspace) =>
    (
      await host
        .db('client_activity_logs')
        .where({ workspace_id: workspace.id })
        .whereRaw("details->>'marker' is not null")
        .select(host.db.raw("details->>'marker' as marker"))
    )
      .map((row: { marker: string }) => row.marker)
      .sort();

  before(async function () {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['acme', 'bravo'] });
    acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency' });
    bravo = await host.createWorkspace({ slug: 'bravo', name: 'Bravo Agency' });
    counter = countQueries();
  });
  after(async function () {
    counter?.stop();
    await host?.close();
    await database?.drop();
  });

  it('keeps the entries of a workspace for the days its admin chose', async function () {
    const agent = await host.staffAgent(await host.createStaff(acme, 'admin'));
    const page = await agent.get(ADMIN_PATH).expect(200);
    expect(page.text).to.contain('name="securityLogDays"').and.contain('value="365"');
    const saved = await agent
      .post(ADMIN_PATH)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on', securityLogDays: '30' })
      .expect(303);
    expect(saved.headers.location).to.equal(`${ADMIN_PATH}?saved=1`);
    expect((await agent.get(ADMIN_PATH).expect(200)).text).to.contain('value="30"');
  });

  it('deletes the older security entries in bounded batches, per workspace, and keeps everything else', async function () {
    await host
      .db('client_activity_logs')
      .insert([
        entry(acme, 'sign_in.failed', daysAgo(40), 'acme old sign-in'),
        entry(acme, 'passkey.added', daysAgo(31), 'acme old passkey'),
        entry(acme, 'password.changed', daysAgo(29), 'acme recent password'),
        entry(acme, 'invoice.viewed', daysAgo(400), 'acme old invoice view'),
        entry(acme, 'sign_out', daysAgo(400), 'acme old sign-out'),
        entry(bravo, 'sign_in.failed', daysAgo(40), 'bravo 40 days'),
        entry(bravo, 'payment_method.added', daysAgo(364), 'bravo 364 days'),
        entry(bravo, 'sign_in.succeeded', daysAgo(366), 'bravo 366 days'),
      ]);
    // A backlog: 2,500 more of Acme's past its period, of every security event.
    await host
      .db('client_activity_logs')
      .insert(
        Array.from({ length: 2500 }, (_, i) => entry(acme, SECURITY_EVENTS[i % SECURITY_EVENTS.length]!, daysAgo(100 + i), 'backlog')),
      );

    let deleted = 0;
    const counted = await counter.measure(async () => {
      deleted = await retention().run();
    });
    expect(errors).to.deep.equal([]);
    expect(deleted).to.equal(2500 + 2 + 1);
    const deletes = counted.sql.filter((sql) => /^delete\b/i.test(sql.trim()));
    // Acme's 2,502 in three statements (1000, 1000, 502), Bravo's one in one.
    expect(deletes, counted.sql.join('\n')).to.have.length(4);
    for (const sql of deletes) expect(sql).to.match(/limit (\?|\$\d+)\)$/i);
    expectEachNamesItsWorkspace(counted.sql, 'security log retention');

    expect(await markers(acme)).to.deep.equal(['acme old invoice view', 'acme old sign-out', 'acme recent password']);
    expect(await markers(bravo)).to.deep.equal(['bravo 364 days', 'bravo 40 days']);
    expect(await retention().run()).to.equal(0);
  });

  it('finds the entries to delete through the partial index of the security events by age', async function () {
    const plan = await host.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const events = SECURITY_EVENTS.map(() => '?').join(', ');
      const { rows } = await trx.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(
        `explain select id from client_activity_logs where workspace_id = ? and event in (${events}) and created_at < ? order by created_at limit 1000`,
        [acme.id, ...SECURITY_EVENTS, NOW],
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).to.contain('client_activity_logs_security_age_idx');
  });
});
