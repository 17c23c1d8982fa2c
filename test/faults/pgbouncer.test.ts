// Behind PgBouncer in transaction mode (Debian's package, started by the test in front of its
// private cluster): two instances whose queries and sessions all go through PgBouncer, while each
// instance's LISTEN connection for live messages goes straight to PostgreSQL (LISTEN_DATABASE_URL).
// A client signs in, reads a page, comments, accepts a proposal, and receives a staff reply posted
// on the other instance live; nothing fails on a session-level feature (SET, session advisory locks
// and named prepared statements do not survive transaction pooling, and none is used).
import { expect } from 'chai';
import pg from 'pg';
import { SEED_WORKSPACES } from '../../plugins/reference-crm/seed-data.ts';
import { DEMO_CLIENT_PASSWORD } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { report, skipFaultsUnlessPossible } from './faults-support.ts';
import { PGBOUNCER, startPgBouncer, startPrivateCluster, type PgBouncer, type PrivateCluster } from './support/cluster.ts';
import { Browser, startInstance, type Instance } from './support/instances.ts';
import { openSse } from '../support/sse-client.ts';
import { existsSync } from 'node:fs';

const MARIA = 'maria@northwind.test';

describe('faults: behind PgBouncer in transaction mode', function () {
  this.timeout(300_000);
  let cluster: PrivateCluster | undefined;
  let bouncer: PgBouncer | undefined;
  const instances: Instance[] = [];
  let sql: pg.Client | undefined;

  before(async function () {
    skipFaultsUnlessPossible(this);
    if (!existsSync(PGBOUNCER)) {
      // .ci/run installs it; a developer machine may not have it.
      console.log(`      (skipped: PgBouncer is not installed at ${PGBOUNCER}; apt-get install -y pgbouncer)`);
      this.skip();
    }
    cluster = await startPrivateCluster();
    const direct = await cluster.createDatabase('portal');
    bouncer = await startPgBouncer(cluster, 'portal');
    for (let i = 0; i < 2; i += 1)
      instances.push(
        await startInstance({ DATABASE_URL: bouncer.url('portal'), LISTEN_DATABASE_URL: direct, DATABASE_PREPARED_STATEMENTS: 'off' }),
      );
    sql = new pg.Client(direct);
    await sql.connect();
  });
  after(async function () {
    await sql?.end().catch(() => {});
    await Promise.all(instances.map((instance) => instance.stop()));
    await bouncer?.stop();
    cluster?.destroy();
  });

  it('signs in, shows a page, takes a comment and a decision, and delivers a live message', async function () {
    const [a, b] = instances as [Instance, Instance];
    // The app's pools really go through PgBouncer; only the LISTEN connections are direct.
    const { rows: direct } = await sql!.query<{ application_name: string; query: string }>(
      "select application_name, query from pg_stat_activity where datname = 'portal' and backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    expect(
      direct.filter((r) => r.application_name === 'customer-portal-events').length,
      'one direct LISTEN connection per instance',
    ).to.equal(2);

    const maria = new Browser(a.url, '10.3.0.1');
    await maria.signIn('demo', MARIA, DEMO_CLIENT_PASSWORD);
    const dashboard = await maria.get('/portal/demo/');
    expect(dashboard.status).to.equal(200);

    const {
      rows: [invoice],
    } = await sql!.query<{ id: number }>(
      `select i.id from invoices i join workspaces w on w.id = i.workspace_id
        where w.slug = 'demo' and i.client_id = (select client_id from contacts where email = $1 and workspace_id = w.id) order by i.id limit 1`,
      [MARIA],
    );
    await maria.get(`/portal/demo/invoices/${invoice!.id}`);
    const commented = await maria.post(`/portal/demo/invoices/${invoice!.id}/comments`, { body: 'Through the pooler' });
    expect(commented.status, commented.text.slice(0, 300)).to.be.oneOf([200, 303]);
    expect((await sql!.query("select count(*)::int as n from client_comments where body = 'Through the pooler'")).rows[0].n).to.equal(1);

    const { rows: proposals } = await sql!.query<{ id: number }>(
      `select p.id from proposals p join workspaces w on w.id = p.workspace_id
        where w.slug = 'demo' and p.status = 'sent' and p.client_id = (select client_id from contacts where email = $1 and workspace_id = w.id) order by p.id`,
      [MARIA],
    );
    let accepted = false;
    for (const { id } of proposals) {
      const page = await maria.get(`/portal/demo/proposals/${id}/accept`);
      const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(page.text)?.[1];
      if (page.status !== 200 || !fingerprint) continue;
      const decided = await maria.post(`/portal/demo/proposals/${id}/accept`, { typedName: 'Maria Keller', consent: 'yes', fingerprint });
      expect(decided.status, decided.text.slice(0, 300)).to.equal(303);
      expect((await sql!.query('select status from proposals where id = $1', [id])).rows[0].status).to.equal('accepted');
      accepted = true;
      break;
    }
    expect(accepted, 'a proposal was accepted').to.equal(true);

    // A staff reply posted on instance A reaches Maria's open stream on instance B.
    // The demo's admin, seeded by the test (a production instance prints no logins).
    const admin = SEED_WORKSPACES.find((w) => w.slug === 'demo')!.staff.find((s) => s.role === 'admin')!;
    const staff = new Browser(a.url, '10.3.0.2');
    await staff.get('/signin');
    const signedIn = await staff.post('/signin', { email: admin.email, password: admin.password });
    expect(signedIn.status).to.equal(303);
    const {
      rows: [contact],
    } = await sql!.query<{ client_id: string }>('select client_id::text from contacts where email = $1', [MARIA]);
    const threadPage = await staff.get(`/client-messages/${contact!.client_id}`);
    expect(threadPage.status).to.equal(200);
    staff.useFormToken(threadPage, `/client-messages/${contact!.client_id}`);
    const stream = await openSse(`${b.url}/portal/demo/messages/stream`, {
      cookie: `portal.sid=${maria.cookie('portal.sid')}`,
      'x-forwarded-proto': 'https',
    });
    try {
      const sentAt = performance.now();
      const replied = await staff.post(`/client-messages/${contact!.client_id}`, { body: 'Live through PgBouncer' });
      expect(replied.status, replied.text.slice(0, 300)).to.equal(303);
      const event = await stream.waitFor((e) => e.event === 'message-created' && e.at >= sentAt, 5_000);
      report(
        `PgBouncer (transaction mode): sign-in, dashboard, comment, acceptance on one instance; a staff reply reached the other instance's stream in ${Math.round(event.at - sentAt)} ms (LISTEN direct)`,
      );
    } finally {
      stream.close();
    }

    const failures = [a, b].flatMap((instance) =>
      instance
        .output()
        .split('\n')
        .filter((line) => /failed|prepared statement|advisory|error:/i.test(line) && !/^\s+at /.test(line)),
    );
    expect(failures, 'nothing failed in either instance').to.deep.equal([]);
  });
});
