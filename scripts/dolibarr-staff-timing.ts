// Measures whether the standalone server's Dolibarr staff sign-in tells existing logins from
// unknown or disabled ones by its time. Loads Dolibarr's real schema with the seeded staff, gives
// every staff hash bcrypt cost 12 (what a Dolibarr on a newer PHP stores; the seed writes PHP's
// default 10), then times signInStaff with a wrong password for an existing login, an unknown
// login and a disabled one, interleaved, and prints each median and the differences.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/dolibarr-staff-timing.ts
//
// The figures are only as quiet as the machine: note its load when reading them.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { dolibarrStandalone } from '../plugins/dolibarr/standalone.ts';
import { startDolibarrHost } from '../test/dolibarr/dolibarr-host.ts';

const TRIES = Number(process.env.TRIES ?? 20);
const COST = Number(process.env.COST ?? 12);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const host = await startDolibarrHost();
try {
  const hash = bcrypt.hashSync('Some-dolibarr-2026', COST).replace(/^\$2b\$/, '$2y$');
  await host.db('llx_user').whereNotNull('pass_crypted').update({ pass_crypted: hash });
  await host.db('llx_user').insert({
    entity: 1,
    login: 'former',
    pass_crypted: hash,
    lastname: 'Former',
    email: 'former@atelier.example',
    statut: 0,
    datec: '2026-01-02 10:00:00',
  });
  const standalone = await dolibarrStandalone.open(host.db, { DOLIBARR_WORKSPACE_SLUG: host.seed.workspaceSlug });
  const cases = { existing: 'admin', unknown: 'nobody-here', disabled: 'former' } as const;
  const times: Record<keyof typeof cases, number[]> = { existing: [], unknown: [], disabled: [] };
  // One untimed round first: the decoy hash is made on first use.
  for (const login of Object.values(cases)) await standalone.signInStaff(login, 'wrong password');
  for (let i = 0; i < TRIES; i++) {
    for (const [name, login] of Object.entries(cases) as Array<[keyof typeof cases, string]>) {
      const started = performance.now();
      await standalone.signInStaff(login, 'wrong password');
      times[name].push(performance.now() - started);
    }
  }
  const medians = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)])) as Record<
    keyof typeof cases,
    number
  >;
  console.log(`stored hashes: bcrypt cost ${COST}; ${TRIES} tries each; load ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`);
  for (const [name, value] of Object.entries(medians)) console.log(`${name.padEnd(9)} median ${value.toFixed(1)} ms`);
  console.log(`existing - unknown  ${(medians.existing - medians.unknown).toFixed(1)} ms`);
  console.log(`existing - disabled ${(medians.existing - medians.disabled).toFixed(1)} ms`);
} finally {
  await host.close();
}
