// How many statements and round trips one request sends to PostgreSQL, counted where they go out:
// every query a pg client sends (knex's, the session pool's, any read below knex). A round trip
// starts when a statement goes out while none is in flight: statements sent together (Promise.all)
// wait as one. Read over HTTP by the benchmarks, with one request at a time, to give each baseline
// the round trips of the page it is held against.
//
// Counting is off unless asked, so a measured load pays only a flag's test per statement.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

let counting = false;
let inFlight = 0;
let statements = 0;
let roundTrips = 0;

function started(): () => void {
  statements++;
  if (inFlight++ === 0) roundTrips++;
  let done = false;
  return () => {
    if (!done) inFlight--;
    done = true;
  };
}

type QueryFn = (...args: unknown[]) => unknown;
const original = pg.Client.prototype.query as unknown as QueryFn;
(pg.Client.prototype as unknown as { query: QueryFn }).query = function (this: unknown, ...args: unknown[]) {
  if (!counting) return original.apply(this, args);
  const finished = started();
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const callback = args[last] as (...a: unknown[]) => unknown;
    args[last] = (...a: unknown[]) => {
      finished();
      return callback(...a);
    };
    return original.apply(this, args);
  }
  const result = original.apply(this, args) as { then?: unknown; once?: (event: string, fn: () => void) => void } | undefined;
  if (result && typeof result.then === 'function') {
    (result as Promise<unknown>).then(finished, finished);
  } else if (result && typeof result.once === 'function') {
    // A submittable (a cursor, a stream): done at its end or error.
    result.once('end', finished);
    result.once('error', finished);
  } else finished();
  return result;
};

/**
 * Serves `POST /start` (counts from zero) and `GET /counted` ({ statements, roundTrips } since the
 * start; counting stops) on a port of its own; resolves with its URL.
 */
export function serveRoundTripMeter(): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/start') {
      [counting, statements, roundTrips] = [true, 0, 0];
      res.end('{}');
    } else if (req.url === '/counted') {
      counting = false;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ statements, roundTrips }));
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}
