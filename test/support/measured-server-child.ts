// The reference CRM with the portal in a process of its own, started with --expose-gc, for tests
// that measure the server's memory while it streams (test/portal/large-files): nothing else lives
// in this process (the test, its HTTP client and, on the embedded database, PGlite stay in the
// parent), so what grows here is the app's. Driven over IPC by measured-server.ts:
//   → { ready: url, login }                        once it listens
//   ← 'start'  → { started: true }                 baseline taken, sampling
//   ← 'stop'   → { growthMb, rssGrowthMb, samples } the peak over the baseline
import { runInNewContext } from 'node:vm';
import { bootReferenceCrm } from '../../plugins/reference-crm/boot.ts';

const MB = 1024 * 1024;
const gc = runInNewContext('gc') as (() => void) | undefined;
if (typeof gc !== 'function') throw new Error('start this process with --expose-gc');
const send = (message: object) => process.send!(message);

/**
 * What the app holds, live: after a full collection, with the main thread held still for a moment
 * (Atomics.wait) so the collector's background threads finish freeing released buffers while no
 * new garbage is made. JS heap plus Buffer memory (arrayBuffers), and RSS for the notes.
 */
const pause = new Int32Array(new SharedArrayBuffer(4));
function liveMemory(): { js: number; rss: number } {
  gc!();
  Atomics.wait(pause, 0, 0, 20);
  gc!();
  const usage = process.memoryUsage();
  return { js: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
}

const crm = await bootReferenceCrm({
  databaseUrl: process.env.MEASURED_DATABASE_URL,
  port: 0,
  sessionSecret: 'measured-server-secret-'.padEnd(48, 'm'),
  flagsFile: process.env.MEASURED_FLAGS_FILE,
  quiet: true,
  ...(process.env.MEASURED_FILE_STORAGE_DIR ? { fileStorageDir: process.env.MEASURED_FILE_STORAGE_DIR } : {}),
});

let sampling: { base: { js: number; rss: number }; peak: { js: number; rss: number }; samples: number; timer: NodeJS.Timeout } | null =
  null;

process.on('message', (message) => {
  if (message === 'start') {
    const base = liveMemory();
    const state = {
      base,
      peak: base,
      samples: 0,
      timer: setInterval(() => {
        const now = liveMemory();
        state.samples += 1;
        state.peak = { js: Math.max(state.peak.js, now.js), rss: Math.max(state.peak.rss, now.rss) };
      }, 250),
    };
    sampling = state;
    send({ started: true });
  } else if (message === 'stop' && sampling) {
    clearInterval(sampling.timer);
    const { base, peak, samples } = sampling;
    sampling = null;
    send({ growthMb: (peak.js - base.js) / MB, rssGrowthMb: (peak.rss - base.rss) / MB, samples });
  } else if (message === 'close') {
    void crm.close().then(() => process.exit(0));
  }
});

const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
send({ ready: crm.url, login: { email: login.email, password: login.password } });
