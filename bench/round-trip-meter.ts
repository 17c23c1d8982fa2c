// How many statements and round trips one request sends to PostgreSQL, counted where they go out:
// every query a pg client sends (knex's, the session pool's, any read below knex). A round trip
// starts when a statement goes out while none is in flight: statements sent together (Promise.all)
// wait as one. Read over HTTP by the benchmarks, with one request at a time, to give each baseline
// the round trips of the page it is held against.
//
// The statements themselves are kept too, each with the round trip it went out in: the
// same-statements baseline (bench/same-statements.ts) sends them again, as the page grouped them.
//
// Counting is off unless asked, so a measured load pays only a flag's test per statement.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

/** A statement as a pg client sent it: its text, its values as JSON carries them, and its round trip (from 1). */
export interface SentStatement {
  text: string;
  /** A Date as its ISO text, a Buffer as { base64 }: what bench/same-statements.ts turns back. */
  values: unknown[];
  /** The prepared statement's name, where it had one. */
  name?: string;
  trip: number;
}

let counting = false;
let inFlight = 0;
let statements = 0;
let roundTrips = 0;
let sent: SentStatement[] = [];

/** A value as JSON can carry it and the baseline can send it again. */
const portable = (value: unknown): unknown =>
  Buffer.isBuffer(value) ? { base64: value.toString('base64') } : value instanceof Date ? value.toISOString() : value;

/** The statement a pg client's query(...) was called with: a text and values, or a config object. */
function statementOf(args: unknown[]): Omit<SentStatement, 'trip'> | null {
  const [first, second] = args;
  if (typeof first === 'string') return { text: first, values: Array.isArray(second) ? second.map(portable) : [] };
  const config = first as { text?: unknown; values?: unknown; name?: unknown } | null;
  if (!config || typeof config.text !== 'string') return null;
  return {
    text: config.text,
    values: Array.isArray(config.values) ? config.values.map(portable) : Array.isArray(second) ? second.map(portable) : [],
    ...(typeof config.name === 'string' ? { name: config.name } : {}),
  };
}

function started(args: unknown[]): () => void {
  statements++;
  if (inFlight++ === 0) roundTrips++;
  const statement = statementOf(args);
  if (statement) sent.push({ ...statement, trip: roundTrips });
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
  const finished = started(args);
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
 * Serves `POST /start` (counts from zero) and `GET /counted` ({ statements, roundTrips, sent } since
 * the start; counting stops) on a port of its own; resolves with its URL.
 */
export function serveRoundTripMeter(): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/start') {
      [counting, statements, roundTrips, sent] = [true, 0, 0, []];
      res.end('{}');
    } else if (req.url === '/counted') {
      counting = false;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ statements, roundTrips, sent }));
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}
