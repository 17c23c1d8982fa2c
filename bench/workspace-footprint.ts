// `npx tsx bench/workspace-footprint.ts`: what a client's use of the portal leaves in the portal's
// tables, per action: the rows and bytes each sign-in, page view, message and comment adds to the
// workspace's tables (everything the portal keeps for a workspace, the host's records not counted).
// Each action runs REPEAT times on the seeded demo and the growth is divided by REPEAT. The numbers
// docs/scaling.md works from; DATABASE_URL=postgres://… measures on that server, else embedded.
import { TABLE_PLACEMENT } from '../src/core/db/distribution.ts';
import { csrfFrom, signedInAgent, startPortalHarness } from '../test/support/portal-harness.ts';

const REPEAT = 20;
const WORKSPACE_TABLES = Object.entries(TABLE_PLACEMENT)
  .filter(([, placement]) => placement.kind === 'by-workspace')
  .map(([table]) => table);

const h = await startPortalHarness();
try {
  const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
  const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  /** Rows and bytes of each workspace table for the demo workspace, and of the sessions it signed in. */
  async function footprint(): Promise<Map<string, { rows: number; bytes: number }>> {
    const sizes = new Map<string, { rows: number; bytes: number }>();
    for (const table of WORKSPACE_TABLES) {
      const row = (
        await h.crm.db.raw<{ rows: Array<{ rows: number; bytes: string | null }> }>(
          `select count(*)::int as rows, sum(pg_column_size(t.*)) as bytes from ${table} t where workspace_id = ?`,
          [workspace.id],
        )
      ).rows[0]!;
      sizes.set(table, { rows: row.rows, bytes: Number(row.bytes ?? 0) });
    }
    const sessions = (
      await h.crm.db.raw<{ rows: Array<{ rows: number; bytes: string | null }> }>(
        `select count(*)::int as rows, sum(pg_column_size(t.*)) as bytes from client_sessions t where sess #>> '{portal,workspaceId}' = ?`,
        [workspace.id],
      )
    ).rows[0]!;
    sizes.set('client_sessions', { rows: sessions.rows, bytes: Number(sessions.bytes ?? 0) });
    return sizes;
  }

  const agent = await signedInAgent(h.agent(), 'demo', login);
  const token = async () => csrfFrom((await agent.get('/portal/demo/account').expect(200)).text);
  const actions: Array<[string, () => Promise<unknown>]> = [
    ['sign in with a password', () => signedInAgent(h.agent(), 'demo', login)],
    ['open the dashboard', () => agent.get('/portal/demo/').expect(200)],
    ['view a proposal', () => agent.get('/portal/demo/proposals/1').expect(200)],
    ['view an invoice', () => agent.get('/portal/demo/invoices/2').expect(200)],
    [
      'send a message',
      async () =>
        agent
          .post('/portal/demo/messages')
          .type('form')
          .send({ _csrf: await token(), body: 'A question about the next delivery' })
          .expect(303),
    ],
    [
      'comment on a proposal',
      async () =>
        agent
          .post('/portal/demo/proposals/1/comments')
          .type('form')
          .send({ _csrf: await token(), body: 'Could the second phase start in May?' })
          .expect(303),
    ],
  ];

  console.log(`Per action, averaged over ${REPEAT} (rows · bytes of row data, indexes not counted):\n`);
  console.log('| action | rows | bytes | where |');
  console.log('| --- | ---: | ---: | --- |');
  for (const [name, act] of actions) {
    const before = await footprint();
    for (let i = 0; i < REPEAT; i++) await act();
    const after = await footprint();
    let rows = 0;
    let bytes = 0;
    const where: string[] = [];
    for (const [table, size] of after) {
      const grew = { rows: size.rows - before.get(table)!.rows, bytes: size.bytes - before.get(table)!.bytes };
      if (grew.rows === 0 && grew.bytes === 0) continue;
      rows += grew.rows;
      bytes += grew.bytes;
      where.push(`${table} ${(grew.rows / REPEAT).toFixed(2)}`);
    }
    console.log(`| ${name} | ${(rows / REPEAT).toFixed(2)} | ${Math.round(bytes / REPEAT)} | ${where.join(', ')} |`);
  }
} finally {
  await h.close();
}
