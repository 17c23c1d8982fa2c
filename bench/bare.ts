// The bare baseline: Express 5 with a pg pool and nothing else. Each route runs the page's round
// trips as primary-key queries and renders, with a compiled EJS template, the very bytes the portal
// answered for the same page: the least any Node web app could spend on it. bench/stack-floor.ts is
// the other baseline, the portal's own stack with nothing of the portal in it.
// Reads the pages from the JSON file named by BARE_PAGES: [{ path, contentType, body | base64,
// roundTrips? }]; a page with roundTrips runs that many primary-key queries one after another
// (the round trips the portal's page makes), else one.
// `/round-trips/K` (K up to BARE_ROUND_TRIPS) renders the first page after K primary-key queries,
// one after another: what a page's round trips alone cost before any framework work (a signed-in
// page reads its session, the host's contact and then its records).
import express from 'express';
import type { AddressInfo } from 'node:net';
import { baselinePages, pageTemplate } from './baseline-pages.ts';
import pg from 'pg';

const pages = baselinePages();
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
const app = express();

/** The one primary-key query every route runs: the workspace's name. */
const workspaceName = async () => (await pool.query('select id, slug, name from workspaces where id = $1', [1])).rows[0]?.name ?? '';

for (const page of pages) {
  // Routes match the path alone; a page measured with a query string is served by its path.
  const route = page.path.split('?')[0]!;
  const trips = page.roundTrips ?? 1;
  if (page.base64 !== undefined) {
    // A binary answer (a PDF): the same bytes after the same round trips.
    const bytes = Buffer.from(page.base64, 'base64');
    app.get(route, async (_req, res) => {
      for (let i = 0; i < trips; i++) await workspaceName();
      res.type(page.contentType).send(bytes);
    });
    continue;
  }
  const render = pageTemplate(page.body!);
  app.get(route, async (_req, res) => {
    let name = '';
    for (let i = 0; i < trips; i++) name = await workspaceName();
    res.type(page.contentType).send(render({ name }));
  });
}
const first = pages.find((page) => page.body !== undefined);
if (first) {
  const render = pageTemplate(first.body!);
  for (let trips = 1; trips <= Number(process.env.BARE_ROUND_TRIPS ?? 0); trips++) {
    app.get(`/round-trips/${trips}`, async (_req, res) => {
      let name = '';
      for (let i = 0; i < trips; i++) name = await workspaceName();
      res.type(first.contentType).send(render({ name }));
    });
  }
}
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on('SIGTERM', () => {
  // Requests still in flight when the load stopped finish first: ending the pool under them made
  // each fail ("Cannot use a pool after calling end") on the way out.
  server.close(() => void pool.end().finally(() => process.exit(0)));
  setTimeout(() => process.exit(0), 5000).unref();
});
