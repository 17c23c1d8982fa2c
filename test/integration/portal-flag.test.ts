// The whole portal behind a real Unleash server: the reference CRM boots with its flags from
// unleash-server, and switching customer_portal_enabled for one workspace through Unleash's admin
// API makes that workspace's portal appear and disappear over HTTP while the other stays as it was.
import { expect } from 'chai';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { startUnleashServer, type UnleashTestServer } from '../support/unleash-server.ts';

const FLAG = 'customer_portal_enabled';

async function waitForStatus(url: string, expected: number, limitMs = 5000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await request(url).get('/portal/acme/sign-in');
    if (res.status === expected) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`acme portal still answered ${res.status}, wanted ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the portal follows customer_portal_enabled in a real Unleash', function () {
  let server: UnleashTestServer;
  let database: TestDatabase;
  let crm: RunningCrm;

  before(async function () {
    server = await startUnleashServer();
    await server.createFlag(FLAG);
    await server.setWorkspaceConstraint(FLAG, ['demo']);
    await server.enable(FLAG);
    database = await createSeededTestDatabase();
    crm = await bootReferenceCrm({
      databaseUrl: database.url,
      port: 0,
      sessionSecret: 'unleash-test-secret-'.padEnd(48, 'z'),
      unleashUrl: server.url,
      unleashApiToken: server.clientToken,
      unleashRefreshMs: 200,
      quiet: true,
    });
  });

  after(async function () {
    await crm?.close();
    await database?.drop();
    await server?.stop();
  });

  it('starts with the portal on for demo and absent for acme', async function () {
    await request(crm.url).get('/portal/demo/sign-in').expect(200);
    await request(crm.url).get('/portal/acme/sign-in').expect(404);
  });

  it('appears for acme when Unleash turns it on there, and disappears when turned off', async function () {
    await server.setWorkspaceConstraint(FLAG, ['demo', 'acme']);
    const appeared = await waitForStatus(crm.url, 200);
    console.log(`      acme portal appeared ${appeared.toFixed(0)} ms after the admin API call`);
    await request(crm.url).get('/portal/demo/sign-in').expect(200);

    await server.setWorkspaceConstraint(FLAG, ['demo']);
    const gone = await waitForStatus(crm.url, 404);
    console.log(`      acme portal disappeared ${gone.toFixed(0)} ms after the admin API call`);
    await request(crm.url).get('/portal/demo/sign-in').expect(200);
  });

  it('switches the whole portal off when the flag is disabled', async function () {
    await server.disable(FLAG);
    const started = performance.now();
    for (;;) {
      const res = await request(crm.url).get('/portal/demo/sign-in');
      if (res.status === 404) break;
      if (performance.now() - started > 5000) throw new Error('demo portal still on');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const crmPage = await request(crm.url).get('/signin');
    expect(crmPage.status).to.equal(200);
  });
});
