// Measures whether the code and reset requests tell known from unknown emails by their response
// time. Boots the reference CRM with the portal (embedded PostgreSQL, or DATABASE_URL), mail going
// to a real in-process SMTP server, then sends 100 interleaved requests for a known and an unknown
// email to each endpoint and prints the median time of each and their difference.
//
//   npx tsx scripts/enumeration-timing.ts            # embedded PostgreSQL
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/enumeration-timing.ts
//
// Rate-limit and repeat-guard rows are cleared and queued mail delivered between tries (outside
// the timed part), so every request does the full work of a first request and nothing else runs
// during it. The figures are only as quiet as the machine: note its load when reading them.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';
import { startSmtpCapture } from '../test/support/smtp-capture.ts';

const TRIES = Number(process.env.TRIES ?? 100);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const database = await createTestDatabase();
const smtp = await startSmtpCapture();
const crm = await bootReferenceCrm({
  databaseUrl: database.url,
  port: 0,
  smtpUrl: smtp.url,
  sessionSecret: 'timing-secret-'.padEnd(48, 'x'),
  flagsFile: flagsFileFor(['demo']),
  quiet: true,
});

try {
  const known = crm.clientLogins.find((login) => login.workspaceSlug === 'demo')!.email;
  const page = await fetch(`${crm.url}/portal/demo/sign-in`);
  const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const clearGuards = async () => {
    // Mail queued by the previous try is delivered first, so the worker does not run inside the
    // next timed request (an attacker timing one request sees that request's own work).
    const drain = (crm.portal as { drainOutbox?: () => Promise<number> }).drainOutbox;
    if (drain) await drain();
    await crm.db('portal_rate_limits').delete();
    if (await crm.db.schema.hasTable('portal_request_guards')) await crm.db('portal_request_guards').delete();
  };

  async function timed(path: string, email: string): Promise<number> {
    await clearGuards();
    const started = performance.now();
    const res = await fetch(`${crm.url}/portal/demo${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, email }).toString(),
      redirect: 'manual',
    });
    await res.arrayBuffer();
    const elapsed = performance.now() - started;
    if (res.status >= 400) throw new Error(`${path} for ${email} answered ${res.status}`);
    return elapsed;
  }

  for (const path of ['/sign-in/code', '/password/forgot']) {
    // Warm-up: template compilation, connection pools, JIT.
    for (let i = 0; i < 10; i += 1) {
      await timed(path, known);
      await timed(path, `warm-${i}@nowhere.example`);
    }
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    const differences: number[] = [];
    for (let i = 0; i < TRIES; i += 1) {
      // Interleaved, with the order alternating, so drift affects both sides alike.
      const unknown = `nobody-${i}@nowhere.example`;
      let k: number;
      let u: number;
      if (i % 2 === 0) {
        k = await timed(path, known);
        u = await timed(path, unknown);
      } else {
        u = await timed(path, unknown);
        k = await timed(path, known);
      }
      knownTimes.push(k);
      unknownTimes.push(u);
      differences.push(k - u);
    }
    console.log(
      `${path} (${database.mode} PostgreSQL, ${TRIES} interleaved tries): ` +
        `median known ${median(knownTimes).toFixed(2)} ms, unknown ${median(unknownTimes).toFixed(2)} ms, ` +
        `difference of medians ${(median(knownTimes) - median(unknownTimes)).toFixed(2)} ms, ` +
        `median of paired differences ${median(differences).toFixed(2)} ms (load average ${os.loadavg()[0]!.toFixed(1)})`,
    );
  }
} finally {
  await crm.close();
  await smtp.stop();
  await database.drop();
}
