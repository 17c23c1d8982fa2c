// How many live streams (SSE) one app instance holds, and what they cost it in memory.
//
//   npx tsx bench/sse-connections.ts [connections=1000]          # embedded database, fresh temp dir
//   DATABASE_URL=postgres://... npx tsx bench/sse-connections.ts  # real PostgreSQL
//
// Starts the reference CRM with the portal as its own process (`plugins/reference-crm/server.ts`),
// signs in one demo client, opens the streams from this process, and reads the server's resident
// memory (VmRSS in /proc) before and after. Then sends one message and times how long until every
// stream has it: one event on the bus fans out to all of them.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rssMb } from './proc-stats.ts';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const target = Number(process.argv[2] ?? 1000);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const port = 20000 + Math.floor(Math.random() * 20000);
// Every stream comes from one session and one address here: the caps per session and per address
// are raised past the count, or all but the first few would be refused.
const env = {
  ...process.env,
  PORT: String(port),
  DATA_DIR: `${mkdtempSync(path.join(os.tmpdir(), 'sse-bench-'))}/pg`,
  LIVE_STREAMS_PER_SESSION: String(target + 10),
  LIVE_STREAMS_PER_IP: String(target + 10),
};
const server = spawn(process.execPath, ['--import', 'tsx', 'plugins/reference-crm/server.ts'], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);

// The start-up lines (plugins/reference-crm/startup-lines.ts): where it runs, then the client
// portal's demo logins, each as "  email  /  password   (name…)". Waited for at most two minutes,
// so lines that change shape fail the run with what was printed instead of holding it forever.
const RUNNING = /running at (http:\/\/\S+)/;
const CLIENT_PORTAL = 'Client portal (';
const LOGIN = /\n {2}(\S+@\S+) {2}\/ {2}(\S+) {3}\(/;
const output = await new Promise<string>((resolve, reject) => {
  let text = '';
  const late = setTimeout(() => reject(new Error(`no client login in the server's start-up lines after 120 s:\n${text}`)), 120_000);
  server.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (RUNNING.test(text) && LOGIN.test(text.split(CLIENT_PORTAL)[1] ?? '')) {
      clearTimeout(late);
      resolve(text);
    }
  });
  server.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${text}`)));
});
const base = RUNNING.exec(output)![1]!;
const login = LOGIN.exec(output.split(CLIENT_PORTAL)[1]!)!;
const [email, password] = [login[1]!, login[2]!];

const serverRssMb = () => rssMb(server.pid!);

// Sign in with the password form, keeping every cookie the portal sets (session and CSRF).
const jar = new Map<string, string>();
const keep = (res: Response) => {
  for (const set of res.headers.getSetCookie()) {
    const pair = set.split(';')[0]!;
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...jar.values()].join('; ');
};
const signInPage = await fetch(`${base}/portal/demo/sign-in`);
let cookie = keep(signInPage);
const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())![1]!;
const signedIn = await fetch(`${base}/portal/demo/sign-in/password`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
  body: new URLSearchParams({ _csrf: csrf, email, password }),
});
cookie = keep(signedIn);
if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
interface Stream {
  received: number;
  request: http.ClientRequest;
}
function openStream(onEvent: (stream: Stream) => void): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const stream: Stream = { received: 0, request: null as unknown as http.ClientRequest };
    stream.request = http.get(
      `${base}/portal/demo/messages/stream?after=0`,
      { agent, headers: { Accept: 'text/event-stream', Cookie: cookie } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => {
          if (chunk.includes('event: message-created')) {
            stream.received += 1;
            onEvent(stream);
          }
        });
        resolve(stream);
      },
    );
    stream.request.on('error', reject);
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));
// Warm up what every stream uses once (routes, templates, the bus), then measure from there.
for (const s of await Promise.all(Array.from({ length: 10 }, () => openStream(() => {})))) s.request.destroy();
await settle();
const before = serverRssMb();

let delivered = 0;
let allDelivered: () => void = () => {};
const everyone = new Promise<void>((resolve) => (allDelivered = resolve));
const streams: Stream[] = [];
const openedAt = performance.now();
for (let i = 0; i < target; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, target - i) }, () =>
      openStream(() => {
        delivered += 1;
        if (delivered === target) allDelivered();
      }),
    ),
  );
  streams.push(...batch);
}
const openMs = performance.now() - openedAt;
await settle();
const after = serverRssMb();

// One message from the client: every stream should get it.
const page = await fetch(`${base}/portal/demo/messages`, { headers: { Cookie: cookie } });
const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
const sentAt = performance.now();
await fetch(`${base}/portal/demo/messages`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
  body: new URLSearchParams({ _csrf: token, body: 'One message to every stream' }),
});
const fanOut = await Promise.race([
  everyone.then(() => performance.now() - sentAt),
  new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 30_000)),
]);

const report = JSON.stringify(
  {
    database: process.env.DATABASE_URL ? 'postgresql' : 'embedded',
    connections: streams.length,
    openedInMs: Math.round(openMs),
    rssBeforeMb: Math.round(before),
    rssAfterMb: Math.round(after),
    rssGrowthMb: Math.round((after - before) * 10) / 10,
    perConnectionKb: Math.round(((after - before) * 1024) / streams.length),
    deliveredTo: delivered,
    fanOutToAllMs: Math.round(fanOut),
  },
  null,
  2,
);
for (const s of streams) s.request.destroy();
stop();
// Written before exiting: stdout into a pipe is asynchronous.
process.stdout.write(`${report}\n`, () => process.exit(0));
