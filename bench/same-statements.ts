// The same-statements baseline: Express 5 and a pg pool sending, for each page, the very statements
// the portal sent for it (bench/round-trip-meter.ts kept them: text, values, prepared name), grouped
// in the same round trips (those of one trip together, the trips one after another), and rendering
// the same bytes as bench/bare.ts does. What the database and the wire cost for the page's own SQL,
// with no code of the portal's around it: the portal's ratio to this isolates that code.
//
// Reads the pages from the JSON file named by BARE_PAGES, as bench/bare.ts does. A page whose
// statements hold a transaction sends them all, one after another, on one connection, as a
// transaction needs. Prints one JSON line: { url }.
import express from 'express';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { baselinePages, pageTemplate } from './baseline-pages.ts';
import type { SentStatement } from './round-trip-meter.ts';

const pages = baselinePages();
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
const app = express();

/** A value as the portal sent it: round-trip-meter.ts carried a Buffer as { base64 }. */
const sendable = (value: unknown): unknown =>
  value && typeof value === 'object' && 'base64' in value ? Buffer.from(String((value as { base64: string }).base64), 'base64') : value;

const queryOf = (statement: SentStatement): pg.QueryConfig => ({
  text: statement.text,
  values: statement.values.map(sendable),
  ...(statement.name ? { name: statement.name } : {}),
});

/** The statements by round trip, in order. */
function tripsOf(sent: SentStatement[]): pg.QueryConfig[][] {
  const trips = new Map<number, pg.QueryConfig[]>();
  for (const statement of sent) trips.set(statement.trip, [...(trips.get(statement.trip) ?? []), queryOf(statement)]);
  return [...trips.keys()].sort((a, b) => a - b).map((trip) => trips.get(trip)!);
}

/** Sends a page's statements as the portal did; resolves when the last trip is answered. */
function replayer(sent: SentStatement[]): () => Promise<void> {
  const trips = tripsOf(sent);
  if (sent.some((statement) => /^\s*begin\b/i.test(statement.text))) {
    const all = trips.flat();
    return async () => {
      const client = await pool.connect();
      try {
        for (const query of all) await client.query(query);
      } finally {
        client.release();
      }
    };
  }
  return async () => {
    for (const trip of trips) await Promise.all(trip.map((query) => pool.query(query)));
  };
}

for (const page of pages) {
  const route = page.path.split('?')[0]!;
  const replay = replayer(page.sent ?? []);
  if (page.base64 !== undefined) {
    const bytes = Buffer.from(page.base64, 'base64');
    app.get(route, async (_req, res) => {
      await replay();
      res.type(page.contentType).send(bytes);
    });
    continue;
  }
  const render = pageTemplate(page.body!);
  app.get(route, async (_req, res) => {
    await replay();
    res.type(page.contentType).send(render({ name: '' }));
  });
}

const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on('SIGTERM', () => {
  server.close(() => void pool.end().finally(() => process.exit(0)));
  setTimeout(() => process.exit(0), 5000).unref();
});
