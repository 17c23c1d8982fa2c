// The stack's floor: the design card's stack with nothing of the portal in it. Express 5,
// express-session with connect-pg-simple reading a session without touching it (no resave, no
// rolling, nothing new saved), knex on pg for the rest of the page's round trips, and EJS rendering
// the very bytes the portal answered. What the portal costs above it is its own work; what this app
// costs above bench/bare.ts is the stack's.
//
// Reads the pages from the JSON file named by BARE_PAGES, as bench/bare.ts does: [{ path,
// contentType, body | base64, roundTrips? }]. A page of K round trips brought a session cookie
// reads the session (one) and then runs K - 1 primary-key queries through knex, one after another;
// without the cookie, K queries. Sessions live in a table of their own (connect-pg-simple's schema, created here) on the
// portal's database, one row holding a copy of the signed-in client's session data, so the row
// read and parsed is the size the portal reads.
//
// Prints one JSON line: { url, cookie }: the cookie that names that session.
import connectPgSimple from 'connect-pg-simple';
import express from 'express';
import session from 'express-session';
import knex from 'knex';
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { baselinePages, pageTemplate } from './baseline-pages.ts';
import pg from 'pg';

const pages = baselinePages();
const SECRET = 'stack-floor-'.padEnd(48, 's');
const TABLE = 'bench_stack_floor_sessions';

// One pool for the sessions and knex's own, as the card's stack would have them.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
const db = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 6 } });

// The session row: the newest client session's data (what the portal reads on every signed-in
// page), else a small one, under a new id of this app's own.
await pool.query(`create table if not exists ${TABLE} (sid varchar primary key, sess json not null, expire timestamp(6) not null)`);
const newest = await pool.query('select sess from client_sessions order by expire desc limit 1').catch(() => ({ rows: [] }));
const sid = randomBytes(24).toString('base64url');
const data = (newest.rows[0] as { sess?: Record<string, unknown> } | undefined)?.sess ?? { portal: { clientUserId: 'x' } };
const maxAgeMs = 8 * 3600 * 1000;
const cookieData = {
  originalMaxAge: maxAgeMs,
  expires: new Date(Date.now() + maxAgeMs).toISOString(),
  httpOnly: true,
  path: '/',
  sameSite: 'lax',
};
await pool.query(`insert into ${TABLE} (sid, sess, expire) values ($1, $2, now() + interval '8 hours')`, [
  sid,
  JSON.stringify({ ...data, cookie: cookieData }),
]);
// express-session's cookie: `s:<id>.<HMAC-SHA256 base64, unpadded>` (cookie-signature).
const signed = `s:${sid}.${createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '')}`;

const PgStore = connectPgSimple(session);
const app = express();
app.use(
  session({
    store: new PgStore({ pool, tableName: TABLE, pruneSessionInterval: false, disableTouch: true }),
    secret: SECRET,
    name: 'floor.sid',
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { maxAge: maxAgeMs, sameSite: 'lax' },
  }),
);

/** One primary-key read through knex: the workspace's name. */
const workspaceName = async () =>
  ((await db('workspaces').where({ id: 1 }).first('id', 'slug', 'name')) as { name?: string } | undefined)?.name ?? '';

for (const page of pages) {
  const route = page.path.split('?')[0]!;
  // The middleware reads the session of a request that brings its cookie: one of the round trips.
  const tripsAfter = (req: express.Request) => Math.max((page.roundTrips ?? 1) - (req.headers.cookie?.includes('floor.sid=') ? 1 : 0), 0);
  if (page.base64 !== undefined) {
    const bytes = Buffer.from(page.base64, 'base64');
    app.get(route, async (req, res) => {
      for (let i = 0, trips = tripsAfter(req); i < trips; i++) await workspaceName();
      res.type(page.contentType).send(bytes);
    });
    continue;
  }
  const render = pageTemplate(page.body!);
  app.get(route, async (req, res) => {
    let name = '';
    for (let i = 0, trips = tripsAfter(req); i < trips; i++) name = await workspaceName();
    res.type(page.contentType).send(render({ name }));
  });
}

const server = app.listen(0, '127.0.0.1', () => {
  console.log(
    JSON.stringify({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      cookie: `floor.sid=${encodeURIComponent(signed)}`,
    }),
  );
});
process.on('SIGTERM', () => {
  server.close(
    () =>
      void pool
        .query(`drop table if exists ${TABLE}`)
        .finally(() => Promise.all([pool.end(), db.destroy()]))
        .finally(() => process.exit(0)),
  );
  setTimeout(() => process.exit(0), 5000).unref();
});
