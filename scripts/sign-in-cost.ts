// What one password sign-in costs, counted rather than timed against the clock: the CPU time of
// each kind of thread of the app (the event loop, libuv's pool where argon2 runs, others) and the
// SQL statements per sign-in, against the CPU time of one raw argon2 verify with the same
// parameters. Boots the reference CRM with the portal in this process (embedded PostgreSQL, or
// DATABASE_URL) and signs the demo client in N times (default 40), one at a time, each from its own
// address. On an external PostgreSQL on this host the CPU time of the server processes serving this
// database is counted as well (the embedded database runs on the event loop, so it is in there).
//
//   npx tsx scripts/sign-in-cost.ts
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/sign-in-cost.ts
//   PROFILE=/tmp/sign-in.cpuprofile npx tsx scripts/sign-in-cost.ts   # and a CPU profile of the event
//                                                                    # loop during the sign-ins only
import { verify as argonVerify } from '@node-rs/argon2';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpuMsOf, processCpuMs } from '../bench/proc-stats.ts';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { hashPassword } from '../src/core/crypto/secrets.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';

const TRIES = Number(process.env.TRIES ?? 40);

/** CPU milliseconds so far of this process's threads, summed by thread name. */
function cpuByThread(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const ms = cpuMsOf(`/proc/self/task/${tid}/stat`);
      const name = tid === String(process.pid) ? 'event loop' : readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      byName.set(name, (byName.get(name) ?? 0) + ms);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return byName;
}

/** CPU milliseconds so far of the PostgreSQL backends serving this database (when on this host). */
async function databaseCpu(db: typeof crm.db): Promise<number> {
  if (database.mode !== 'external') return 0;
  const { rows } = await db.raw<{ rows: Array<{ pid: number }> }>('select pid from pg_stat_activity where datname = current_database()');
  let ms = 0;
  for (const { pid } of rows) {
    try {
      ms += processCpuMs(pid);
    } catch {
      // another host, or a backend that ended
    }
  }
  return ms;
}

function spent(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([name, ms]) => [name, ms - (before.get(name) ?? 0)] as const).filter(([, ms]) => ms > 0));
}

const database = await createTestDatabase();
const crm = await bootReferenceCrm({
  databaseUrl: database.url,
  port: 0,
  sessionSecret: 'sign-in-cost-'.padEnd(48, 'x'),
  flagsFile: flagsFileFor(['demo']),
  trustProxy: 'loopback',
  quiet: true,
});
try {
  const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
  const page = await fetch(`${crm.url}/portal/demo/sign-in`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const body = new URLSearchParams({ _csrf: csrf, email: login.email, password: login.password }).toString();
  let queries = 0;
  crm.db.on('query', () => {
    queries += 1;
  });
  const signIn = async (i: number) => {
    const res = await fetch(`${crm.url}/portal/demo/sign-in/password`, {
      method: 'POST',
      redirect: 'manual',
      body,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.1.${(i >> 8) & 255}.${i & 255}` },
    });
    await res.arrayBuffer();
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  };
  for (let i = 0; i < 3; i++) await signIn(60_000 + i); // warm: code compiled, pools filled

  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}; ${TRIES} sign-ins, ${database.mode}`,
  );
  const databaseBefore = await databaseCpu(crm.db);
  queries = 0;
  const profiler = process.env.PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const before = cpuByThread();
  const took: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    const started = performance.now();
    await signIn(i);
    took.push(performance.now() - started);
  }
  const app = spent(before, cpuByThread());
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
    profiler.disconnect();
  }
  const perSignIn = [...app]
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${(ms / TRIES).toFixed(1)}`)
    .join(', ');
  const total = [...app.values()].reduce((a, b) => a + b, 0) / TRIES;
  const statements = queries;
  const databaseMs = ((await databaseCpu(crm.db)) - databaseBefore) / TRIES;
  took.sort((a, b) => a - b);
  console.log(
    `per sign-in: median ${took[Math.floor(TRIES / 2)]!.toFixed(1)} ms one at a time; ${(statements / TRIES).toFixed(1)} SQL statements (and the session row); app CPU ms ${total.toFixed(1)} (${perSignIn}); PostgreSQL CPU ms ${databaseMs.toFixed(1)}`,
  );

  const hash = await hashPassword(login.password);
  const argonBefore = cpuByThread();
  for (let i = 0; i < TRIES; i++) await argonVerify(hash, login.password);
  const argon = [...spent(argonBefore, cpuByThread()).values()].reduce((a, b) => a + b, 0) / TRIES;
  console.log(
    `raw argon2 verify: CPU ms ${argon.toFixed(1)}; sign-in (app and database) / verify = ${((total + databaseMs) / argon).toFixed(2)} (on a busy machine the benchmark's throughput ratio is at best its inverse)`,
  );
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
} finally {
  await crm.close();
  await database.drop();
}
