// Unleash unreachable at start and mid-run, against a real unleash-server. The portal reaches it
// through a TCP gate in this test that can be shut (every connection cut, new ones refused: what an
// Unleash outage looks like to the client) and opened again on the same port, while the server keeps
// its flags. Mid-run: the last flags fetched stay in force, nothing crashes, and a change made
// during the outage arrives once the gate opens. At start: an instance starts from the flags it kept
// in its backup folder (UNLEASH_BACKUP_DIR) and picks up the server's answer when it is back.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { startUnleashServer, type UnleashTestServer } from '../support/unleash-server.ts';

const FLAG = 'customer_portal_enabled';

interface Gate {
  url: string;
  shut(): Promise<void>;
  open(): Promise<void>;
}

/** A TCP pass-through on a fixed local port to the Unleash server. */
async function startGate(target: URL): Promise<Gate> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await open();
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    async shut() {
      const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closing;
    },
    open,
  };
}

async function waitForStatus(url: string, slug: string, expected: number, limitMs = 10_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await request(url).get(`/portal/${slug}/sign-in`);
    if (res.status === expected) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`${slug} portal still answered ${res.status}, wanted ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Unleash unreachable at start and mid-run', function () {
  this.timeout(300_000);
  let server: UnleashTestServer;
  let gate: Gate;
  let database: TestDatabase;
  let crm: RunningCrm | undefined;
  const backupDir = mkdtempSync(path.join(os.tmpdir(), 'portal-flags-backup-'));
  // The flags client reports an outage through the portal's logger ('feature flags'); kept to check below.
  const captured = captureLogger();
  const flagErrorsNow = () =>
    captured.errors.filter((e) => e.message === 'feature flags').map((e) => (e.err instanceof Error ? e.err.message : String(e.err)));

  const boot = () =>
    bootReferenceCrm({
      databaseUrl: database.url,
      port: 0,
      sessionSecret: 'unleash-outage-secret-'.padEnd(48, 'z'),
      unleashUrl: gate.url,
      unleashApiToken: server.clientToken,
      unleashRefreshMs: 200,
      unleashBackupDir: backupDir,
      quiet: true,
      logger: captured.logger,
    });

  before(async function () {
    server = await startUnleashServer();
    await server.createFlag(FLAG);
    await server.setWorkspaceConstraint(FLAG, ['demo']);
    await server.enable(FLAG);
    gate = await startGate(new URL(server.url));
    database = await createSeededTestDatabase();
    crm = await boot();
  });

  after(async function () {
    await crm?.close();
    await database?.drop();
    await server?.stop();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('keeps the last flags while Unleash is unreachable and takes a change made meanwhile when it is back', async function () {
    await request(crm!.url).get('/portal/demo/sign-in').expect(200);
    await request(crm!.url).get('/portal/acme/sign-in').expect(404);
    expect(
      readdirSync(backupDir).filter((f) => f.endsWith('.json')),
      'the fetched flags are kept on disk',
    ).to.have.length(1);

    await gate.shut();
    await server.setWorkspaceConstraint(FLAG, ['demo', 'acme']);
    // Polls fail meanwhile (until one has been reported, and for at least 2 s); every answer stays as it was.
    const errorsBefore = flagErrorsNow().length;
    const shutAt = performance.now();
    while (performance.now() - shutAt < 2_000 || (flagErrorsNow().length === errorsBefore && performance.now() - shutAt < 20_000)) {
      await request(crm!.url).get('/portal/demo/sign-in').expect(200);
      await request(crm!.url).get('/portal/acme/sign-in').expect(404);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(flagErrorsNow().length, 'the outage was reported').to.be.greaterThan(errorsBefore);

    await gate.open();
    const arrived = await waitForStatus(crm!.url, 'acme', 200);
    console.log(
      `      [measured] Unleash outage mid-run: last flags kept; the change arrived ${arrived.toFixed(0)} ms after Unleash was reachable again`,
    );
  });

  it('starts from the kept flags while Unleash is unreachable, then follows it when it is back', async function () {
    await gate.shut();
    await crm!.close();
    crm = undefined;
    await server.setWorkspaceConstraint(FLAG, ['demo']);
    const started = performance.now();
    crm = await boot();
    const startMs = performance.now() - started;
    // The kept flags: on for demo and acme (the server now says demo only, but cannot be asked).
    await request(crm.url).get('/portal/demo/sign-in').expect(200);
    expect((await request(crm.url).get('/portal/acme/sign-in')).status, flagErrorsNow().join('\n')).to.equal(200);
    expect(
      flagErrorsNow().some((line) => /starting with the last known flags/.test(line)),
      flagErrorsNow().join('\n'),
    ).to.equal(true);

    await gate.open();
    const arrived = await waitForStatus(crm.url, 'acme', 404);
    await request(crm.url).get('/portal/demo/sign-in').expect(200);
    console.log(
      `      [measured] Unleash unreachable at start: started in ${startMs.toFixed(0)} ms from the kept flags; the server's answer arrived ${arrived.toFixed(0)} ms after it was reachable`,
    );
  });
});
