// What ends a staff member's live stream (the inbox's SSE) on the standalone server beside a real
// Dolibarr database, over real HTTP, with two server instances sharing it:
// - signing out on one instance ends the streams of that sign-in on the other at once, through the
//   sign-out event (the other instance's own check runs once an hour here, so nothing else could);
//   a colleague's stream stays open, and the signed-out browser cannot open a new one;
// - what Dolibarr does in PHP, which tells this server nothing (disabling the account, a new
//   password, "disconnect all sessions"), ends the account's streams at the next periodic check
//   (liveStaffCheckMs), while a colleague's stream is left open by the same checks.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { dolibarrStandalone } from '../../plugins/dolibarr/standalone.ts';
import { openStandalonePortal, type StandalonePortal } from '../../plugins/standalone/portal-setup.ts';
import { createStaffSessionTable } from '../../plugins/standalone/queries/staff-sessions.ts';
import { createStandaloneApp } from '../../plugins/standalone/server.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';
import { flagsFileFor } from '../support/portal-harness.ts';
import { endsWithin, openSse, type SseConnection } from '../support/sse-client.ts';

const reason = unavailable();
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const phpHash = (password: string) => bcrypt.hashSync(password, 10).replace(/^\$2b\$/, '$2y$');
const HOUR_MS = 3_600_000;
const STREAM = '/staff/messages/stream';

type Agent = ReturnType<typeof request.agent>;
interface Instance {
  running: StandalonePortal;
  server: Server;
  url: string;
}

describe('standalone server: staff live streams end with their Dolibarr sign-in', function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let a: Instance;
  let b: Instance;
  const open: SseConnection[] = [];

  async function start(liveStaffCheckMs: number): Promise<Instance> {
    const running = await openStandalonePortal(
      dolibarrStandalone,
      {
        DATABASE_URL: host.database.url,
        DOLIBARR_WORKSPACE_SLUG: host.seed.workspaceSlug,
        FLAGS_FILE: flagsFileFor([host.seed.workspaceSlug]),
        SESSION_SECRET: 'standalone-streams-test-secret'.padEnd(48, 'x'),
        PORT: '0',
      },
      { command: 'serve', logger: createPortalLogger({ level: 'error' }), portalConfig: { liveStaffCheckMs } },
    );
    const server = await new Promise<Server>((resolve) => {
      const listening = createStandaloneApp(running).listen(0, '127.0.0.1', () => resolve(listening));
    });
    return { running, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }
  async function stop(instance: Instance | undefined): Promise<void> {
    if (!instance) return;
    const stopped = new Promise<void>((resolve) => instance.server.close(() => resolve()));
    await instance.running.closePortal();
    instance.server.closeAllConnections();
    await stopped;
    await instance.running.close();
  }

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which, and
    // the PostgreSQL CI pass, which has both, runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    a = await start(HOUR_MS);
    await a.running.portal.migrate();
    await createStaffSessionTable(a.running.db);
    b = await start(300);
  });
  after(async function () {
    for (const stream of open) stream.close();
    await stop(a);
    await stop(b);
    await host?.close();
  });

  async function signIn(instance: Instance, login: string, password: string): Promise<{ agent: Agent; cookie: string }> {
    const agent = request.agent(instance.url);
    const _csrf = csrfIn((await agent.get('/staff/sign-in').expect(200)).text);
    await agent.post('/staff/sign-in').type('form').send({ _csrf, login, password }).expect(303);
    const inbox = await agent.get('/staff/messages').expect(200);
    return { agent, cookie: inbox.request.cookies ?? '' };
  }
  async function stream(instance: Instance, cookie: string): Promise<SseConnection> {
    const connection = await openSse(`${instance.url}${STREAM}`, { Cookie: cookie });
    open.push(connection);
    return connection;
  }
  it('ends the streams of a sign-in at once when it signs out on another instance', async function () {
    const admin = await signIn(a, 'admin', 'Admin-dolibarr-2026');
    const marc = await signIn(a, 'marc', 'Marc-dolibarr-2026');
    const tabs = [await stream(a, admin.cookie), await stream(a, admin.cookie)];
    const colleague = await stream(a, marc.cookie);
    const onB = request.agent(b.url);
    const page = await onB.get('/staff/messages').set('Cookie', admin.cookie).expect(200);
    await onB
      .post('/staff/sign-out')
      .set('Cookie', admin.cookie)
      .type('form')
      .send({ _csrf: csrfIn(page.text) })
      .expect(303);
    for (const tab of tabs) expect(await endsWithin(tab, 5_000), 'a signed-out tab').to.equal('ended');
    expect(colleague.isEnded, "a colleague's stream").to.equal(false);
    const again = await fetch(`${a.url}${STREAM}`, { headers: { Accept: 'text/event-stream', Cookie: admin.cookie }, redirect: 'manual' });
    expect(again.status, 'the signed-out browser opening a stream again').to.not.equal(200);
    await again.body?.cancel();
  });

  it('ends the streams of an account Dolibarr disables, gives a new password or disconnects, at the periodic check', async function () {
    const marc = host.db('llx_user').where({ login: 'marc' });
    const { pass_crypted: original } = await marc.clone().first('pass_crypted');
    const admin = await signIn(b, 'admin', 'Admin-dolibarr-2026');
    const colleague = await stream(b, admin.cookie);
    const changes: Array<[string, () => Promise<unknown>]> = [
      ['disabled', () => marc.clone().update({ statut: 0 })],
      ['a new password', () => marc.clone().update({ pass_crypted: phpHash('Marc-new-2027') })],
      ['disconnect all sessions', () => marc.clone().update({ flagdelsessionsbefore: new Date() })],
    ];
    try {
      for (const [what, change] of changes) {
        await marc.clone().update({ pass_crypted: original, statut: 1, flagdelsessionsbefore: null });
        const signedIn = await signIn(b, 'marc', 'Marc-dolibarr-2026');
        const tab = await stream(b, signedIn.cookie);
        // Several checks pass while the account holds: they leave its stream open.
        expect(await endsWithin(tab, 1_000), `${what}: before the change`).to.equal('open');
        await change();
        expect(await endsWithin(tab, 5_000), what).to.equal('ended');
      }
      expect(colleague.isEnded, "a colleague's stream, after every check").to.equal(false);
    } finally {
      await marc.clone().update({ pass_crypted: original, statut: 1, flagdelsessionsbefore: null });
    }
  });
});
