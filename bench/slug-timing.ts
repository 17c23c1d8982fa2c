// How long a 404 takes for a workspace whose portal is off (acme) and for a slug no workspace has,
// to see whether the time tells an observer which slugs exist. Boots the reference CRM with the
// portal (on for demo only) on a fresh database, warms both paths, then times alternating requests
// over one keep-alive connection, from the cache and on a first look (cache emptied), and prints
// the medians and their differences. Nothing is asserted:
// the CI test (test/hardening/slug-existence.test.ts) checks that both paths run the same queries.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/slug-timing.ts [requests]
import http from 'node:http';
import { startPortalHarness } from '../test/support/portal-harness.ts';
import { upperMedian as median } from './median.ts';

const REQUESTS = Number(process.argv[2] ?? 2000);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function timed(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 404) return reject(new Error(`${url} answered ${res.statusCode}`));
          resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      })
      .on('error', reject);
  });
}

const h = await startPortalHarness({ enabledFor: ['demo'] });
try {
  const off = `${h.crm.url}/portal/acme/sign-in`;
  const unknown = `${h.crm.url}/portal/no-such-agency/sign-in`;
  const acmeId = (await h.crm.adapter.workspaces.findBySlug('acme'))!.id;
  for (let i = 0; i < 200; i++) {
    await timed(off);
    await timed(unknown);
  }
  // Repeated: both answered from the workspace cache.
  const repeated = { off: [] as number[], unknown: [] as number[] };
  // First look: the cache emptied before each pair (as after a settings change or the TTL), so both
  // read the database; the unknown slug is a new one each time, as a prober's would be.
  const first = { off: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < REQUESTS; i++) {
    repeated.off.push(await timed(off));
    repeated.unknown.push(await timed(unknown));
  }
  for (let i = 0; i < REQUESTS; i++) {
    await h.crm.portal.workspaceChanged(acmeId);
    // Alternating which goes first, so neither always pays for coming right after the invalidation.
    const probe = `${h.crm.url}/portal/probe-${i}/sign-in`;
    if (i % 2 === 0) {
      first.off.push(await timed(off));
      first.unknown.push(await timed(probe));
    } else {
      first.unknown.push(await timed(probe));
      first.off.push(await timed(off));
    }
  }
  const line = (label: string, times: { off: number[]; unknown: number[] }) => {
    const [a, b] = [median(times.off), median(times.unknown)];
    console.log(
      `${label}: portal off (acme) median ${a.toFixed(3)} ms, unknown slug median ${b.toFixed(3)} ms, difference ${(b - a).toFixed(3)} ms`,
    );
  };
  console.log(`requests each: ${REQUESTS}`);
  line('repeated   ', repeated);
  line('first look ', first);
} finally {
  agent.destroy();
  await h.close();
}
