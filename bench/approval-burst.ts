// One client's burst of decisions on one approval, and what another company's client sees meanwhile.
//
//   npm run bench:approval-burst                          a private PostgreSQL cluster
//   DATABASE_URL=postgres://... npm run bench:approval-burst
//   npm run bench:approval-burst -- --burst=40 --rounds=5
//
// Starts the demo as `npm start` does (plugins/reference-crm/server.ts, its pools and database
// bounds) on a fresh database of a real PostgreSQL server, signs in Maria (Northwind) and Priya
// (Bluebell), and measures Priya's invoice list one request after another, first alone, then while
// Maria's browser sends `burst` decisions at once on the homepage design, round after round (the
// decisions are cleared between rounds). Prints the answers' statuses, each burst's time, and the
// invoice list's latency alone and during the bursts (p50 and max, in ms). Not a test: the numbers
// depend on the machine; test/…/decision-burst.test.ts asserts the answers.
import pg from 'pg';
import { DEMO_CLIENT_PASSWORD } from '../plugins/reference-crm/seed-portal-demo.ts';
import { addressOf, startServer, stopServer } from '../test/support/server-process.ts';
import { createDatabase, postgresServer } from './bench-apps.ts';
import { upperMedian } from './median.ts';

const arg = (name: string, fallback: number) => {
  const given = process.argv.find((a) => a.startsWith(`--${name}=`));
  return given ? Number(given.split('=')[1]) : fallback;
};
const BURST = arg('burst', 40);
const ROUNDS = arg('rounds', 5);
const ALONE_READS = 50;

const cluster = await postgresServer();
const database = await createDatabase(cluster.url);
const server = startServer({ DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent' });
const sql = new pg.Client(database.url);
try {
  const url = await Promise.race([
    addressOf(server),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not started in 2 min:\n${server.output()}`)), 120_000)),
  ]);
  await sql.connect();
  const workspaceId = (await sql.query("select id from workspaces where slug = 'demo'")).rows[0].id as number;
  const designId = (
    await sql.query("select id from approval_requests where workspace_id = $1 and title = 'Homepage design'", [workspaceId])
  ).rows[0].id as number;
  // Before any page reads the workspace's settings (they are cached once read).
  await sql.query(
    `insert into workspace_client_portal_settings (workspace_id, show_approvals) values ($1, true)
     on conflict (workspace_id) do update set show_approvals = true`,
    [String(workspaceId)],
  );

  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const signIn = async (email: string) => {
    const page = await fetch(`${url}/portal/demo/sign-in`);
    const res = await fetch(`${url}/portal/demo/sign-in/password`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookieOf(page), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(await page.text()), email, password: DEMO_CLIENT_PASSWORD }).toString(),
    });
    if (res.status !== 303) throw new Error(`${email}: sign-in answered ${res.status}`);
    return cookieOf(res);
  };
  const maria = await signIn('maria@northwind.test');
  const priya = await signIn('priya@bluebell.test');

  /** Priya's invoice list once: its status and time in ms. */
  const readInvoices = async () => {
    const started = performance.now();
    const res = await fetch(`${url}/portal/demo/invoices`, { headers: { cookie: priya } });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };
  const designUrl = `${url}/portal/demo/approvals/${designId}`;
  const burst = async () => {
    const csrf = csrfOf(await (await fetch(designUrl, { headers: { cookie: maria } })).text());
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: BURST }, async () => {
        const res = await fetch(`${designUrl}/decision`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: maria, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, version: '1', outcome: 'approved' }).toString(),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    return { statuses, ms: performance.now() - started };
  };

  for (let i = 0; i < 5; i += 1) await readInvoices(); // warm: templates, caches, prepared statements
  const alone: Array<{ status: number; ms: number }> = [];
  for (let i = 0; i < ALONE_READS; i += 1) alone.push(await readInvoices());

  const during: Array<{ status: number; ms: number }> = [];
  const statuses = new Map<number, number>();
  const burstMs: number[] = [];
  let recorded = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    let bursting = true;
    const sent = burst().finally(() => {
      bursting = false;
    });
    const reads = (async () => {
      do during.push(await readInvoices());
      while (bursting);
    })();
    const [answer] = await Promise.all([sent, reads]);
    burstMs.push(answer.ms);
    for (const status of answer.statuses) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    recorded += Number(
      (await sql.query('select count(*) from portal_approval_decisions where workspace_id = $1', [String(workspaceId)])).rows[0].count,
    );
    await sql.query('delete from portal_approval_decisions where workspace_id = $1', [String(workspaceId)]);
    await sql.query('delete from approval_decisions where workspace_id = $1', [workspaceId]);
    await sql.query("update approval_requests set status = 'awaiting' where id = $1", [designId]);
  }

  const ms = (values: number[]) => `p50 ${upperMedian(values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}`;
  const failed = (reads: Array<{ status: number }>) => reads.filter((r) => r.status !== 200).length;
  console.log(
    `PostgreSQL ${(await sql.query('show server_version')).rows[0].server_version}; ${ROUNDS} rounds of ${BURST} decisions at once`,
  );
  console.log(
    `decision answers: ${[...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${n} × ${status}`)
      .join(', ')}; decisions recorded: ${recorded} (one a round expected)`,
  );
  console.log(`one burst, all answered (ms): ${ms(burstMs)}`);
  console.log(`another company's invoice list alone (ms, ${alone.length} reads): ${ms(alone.map((r) => r.ms))}, not 200: ${failed(alone)}`);
  console.log(`the same list during the bursts (ms, ${during.length} reads): ${ms(during.map((r) => r.ms))}, not 200: ${failed(during)}`);
} finally {
  await sql.end().catch(() => {});
  await stopServer(server, 'SIGTERM');
  await database.drop();
  cluster.stop();
}
