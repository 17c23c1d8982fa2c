// The installed portal and its push messages, on the reference CRM. The manifest is the workspace's
// (name, colours, 192 and 512 px icons, scope inside its portal), the service worker and the offline
// page are served, and the CSP lets the browser use them. Maria turns push on in a device (the
// subscribe endpoint, CSRF and zod, a push service the portal knows only); a notification of a kind
// she set to push reaches a push service running in this process, which decrypts it with the
// device's own keys (http_ece): in her language, with the link to the notification. A kind she did
// not set to push sends nothing; a 410 from the push service removes the device; signing out
// removes that session's device only; erasure removes them all. A key pair sealed under a secret
// no longer given is replaced, and its devices removed. An address is taken only at the port the
// allowed list names (the scheme's own otherwise). A push address another person holds is refused
// unless the request carries that subscription's own keys (the same browser, another person signed
// in): then the previous person's device is removed and their messages no longer go there.
import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import ece from 'http_ece';
import type { Knex } from 'knex';
import { setAsideDemoRoleLogins } from '../../../../test/support/demo-records.ts';
import { csrfFrom, type PortalHarness, signedInAgent, startPortalHarness } from '../../../../test/support/portal-harness.ts';
import { endpointAllowed } from '../endpoints.ts';
import { appPushPersonalData } from '../personal-data.ts';
import { createVapidKeyring } from '../vapid.ts';

const BASE = '/portal/demo';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A push service: takes what the portal sends, answers each device's path as told (201 unless said). */
async function startPushService() {
  const received: Received[] = [];
  const answers = new Map<string, number>();
  const waiting: Array<{ path: string; resolve: (r: Received) => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const got = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(got);
      res.statusCode = answers.get(got.path) ?? 201;
      res.end();
      for (const w of waiting.filter((w) => w.path === got.path)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(got);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    answers,
    next: (path: string) => new Promise<Received>((resolve) => waiting.push({ path, resolve })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser's subscription: its own key pair and auth secret, as PushManager would make them. */
function device(service: { url: string }, path: string) {
  const keys = createECDH('prime256v1');
  keys.generateKeys();
  const auth = randomBytes(16);
  return {
    path,
    keys,
    auth,
    form: { endpoint: `${service.url}${path}`, p256dh: keys.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    open: (got: Received) =>
      JSON.parse(ece.decrypt(got.body, { version: 'aes128gcm', privateKey: keys, authSecret: auth }).toString('utf8')) as {
        title: string;
        body: string;
        url: string;
        tag: string;
      },
  };
}

describe('the installed portal and its push messages', function () {
  let h: PortalHarness;
  let db: Knex;
  let push: Awaited<ReturnType<typeof startPushService>>;
  let workspaceId: string;
  let maria: { id: string; client_id: string };
  let agent: Awaited<ReturnType<typeof signedInAgent>>;
  let token: string;
  const mariaLogin = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const subscriptions = () =>
    db('portal_push_subscriptions').where({ workspace_id: workspaceId, client_user_id: maria.id }).orderBy('id').select('endpoint');
  const change = (fields: Record<string, unknown>) =>
    h.crm.portal.hostRecordChanged({ workspaceId, clientId: maria.client_id, ...fields } as never);
  const subscribe = (as: typeof agent, csrf: string, form: Record<string, string>) =>
    as.post(`${BASE}/push/subscriptions`).type('form').set('X-CSRF-Token', csrf).send(form);

  before(async function () {
    push = await startPushService();
    const port = new URL(push.url).port;
    h = await startPortalHarness({
      boot: { portalConfig: { webPush: { endpointHosts: [`127.0.0.1:${port}`], allowHttpEndpoints: true } } },
    });
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    await setAsideDemoRoleLogins(db);
    maria = await db('client_users').where({ workspace_id: workspaceId, email: mariaLogin().email }).first('id', 'client_id');
    agent = await signedInAgent(h.agent(), 'demo', mariaLogin());
    const page = await agent.get(`${BASE}/account/notifications`).expect(200);
    token = csrfFrom(page.text);
    // Invoices as push, proposals by email: the one she opted into and one she did not.
    await agent
      .post(`${BASE}/account/notifications`)
      .type('form')
      .send({ _csrf: token, invoice_issued: 'push', offer_sent: 'email' })
      .expect(303);
  });
  after(async function () {
    await h?.close();
    await push?.close();
  });

  it('links a manifest in the workspace’s name inside its portal, with 192 and 512 px icons for each purpose and one for iOS, from the sign-in page', async function () {
    const signIn = await h.agent().get(`${BASE}/sign-in`).expect(200);
    expect(signIn.text).to.include(`<link rel="manifest" href="${BASE}/manifest.webmanifest">`);
    expect(signIn.headers['content-security-policy']).to.include("manifest-src 'self'").and.include("worker-src 'self'");
    const res = await h.agent().get(`${BASE}/manifest.webmanifest`).expect(200);
    expect(res.headers['content-type']).to.match(/^application\/manifest\+json/);
    const manifest = JSON.parse(res.text);
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    expect(manifest.name).to.include(workspace.name);
    expect(manifest).to.include({ start_url: `${BASE}/`, scope: `${BASE}/`, display: 'standalone' });
    expect(manifest.theme_color).to.match(/^#[0-9a-f]{6}$/);
    // Each purpose its own icons: one icon saying `any maskable` is cropped or shrunk somewhere.
    expect(manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.purpose} ${i.sizes}`)).to.deep.equal([
      'any 192x192',
      'any 512x512',
      'maskable 192x192',
      'maskable 512x512',
    ]);
    const pngOf = async (src: string) => {
      const png = await h.agent().get(src).buffer(true).expect(200);
      expect(png.headers['content-type']).to.equal('image/png');
      const body = png.body as Buffer;
      expect(body.subarray(1, 4).toString('ascii')).to.equal('PNG');
      return body;
    };
    const drawn = new Set<string>();
    for (const icon of manifest.icons as Array<{ src: string; sizes: string }>) {
      expect(icon.src.startsWith(`${BASE}/`)).to.equal(true);
      const body = await pngOf(icon.src);
      expect(`${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`).to.equal(icon.sizes);
      drawn.add(body.toString('base64'));
    }
    // The maskable icons keep their letters smaller (inside the safe zone): other pictures.
    expect(drawn.size).to.equal(4);
    // iOS's home-screen icon, linked from every page: 180 px.
    expect(signIn.text).to.include(`<link rel="apple-touch-icon" href="${BASE}/app-icons/apple-touch-180.png">`);
    const apple = await pngOf(`${BASE}/app-icons/apple-touch-180.png`);
    expect(`${apple.readUInt32BE(16)}x${apple.readUInt32BE(20)}`).to.equal('180x180');
    await h.agent().get(`${BASE}/app-icons/64.png`).expect(404);
    await h.agent().get(`${BASE}/app-icons/constructor.png`).expect(404);
    // A workspace whose portal flag is off has no installed portal either.
    await h.agent().get('/portal/acme/manifest.webmanifest').expect(404);
    await h.agent().get('/portal/acme/sw.js').expect(404);
  });

  it('serves a service worker that keeps only the shell and the offline page, and an offline page naming no one', async function () {
    const worker = await agent.get(`${BASE}/sw.js`).expect(200);
    expect(worker.headers['content-type']).to.match(/javascript/);
    expect(worker.text).to.include(`const OFFLINE = "${BASE}/offline"`).and.include("request.mode === 'navigate'");
    const shell = JSON.parse(/const SHELL = (\[.*\]);/.exec(worker.text)![1]!) as string[];
    expect(shell.every((path) => /\.(css|js|svg|png)(\?|$)/.test(path))).to.equal(true);
    const offline = await agent.get(`${BASE}/offline`).expect(200);
    expect(offline.text).to.include('You are offline');
    expect(offline.text).not.to.include('maria').and.not.to.include('_csrf').and.not.to.include('García');
    const german = await h.agent().get(`${BASE}/offline`).set('Accept-Language', 'de').expect(200);
    expect(german.text).to.include('Sie sind offline');
  });

  it('takes a subscription only with the CSRF token and only for a push service it knows', async function () {
    const phone = device(push, '/refused');
    await agent.post(`${BASE}/push/subscriptions`).type('form').send(phone.form).expect(403);
    await subscribe(agent, token, { ...phone.form, endpoint: 'https://push.example.net/abc' }).expect(400);
    await subscribe(agent, token, { ...phone.form, p256dh: 'short' }).expect(400);
    await h.agent().post(`${BASE}/push/subscriptions`).type('form').send(phone.form).expect(403);
    expect(await subscriptions()).to.deep.equal([]);
  });

  it('takes an address only at the port its push service listens on, unless the allowed list names another', async function () {
    const known = { endpointHosts: ['fcm.googleapis.com', '.push.apple.com', 'push.example.com:8443'], allowHttpEndpoints: false };
    expect(endpointAllowed(known, 'https://fcm.googleapis.com/fcm/send/abc')).to.equal(true);
    expect(endpointAllowed(known, 'https://fcm.googleapis.com:443/fcm/send/abc')).to.equal(true);
    expect(endpointAllowed(known, 'https://fcm.googleapis.com:8443/fcm/send/abc')).to.equal(false);
    expect(endpointAllowed(known, 'https://web.push.apple.com:9000/abc')).to.equal(false);
    expect(endpointAllowed(known, 'https://push.example.com:8443/abc')).to.equal(true);
    expect(endpointAllowed(known, 'https://push.example.com/abc')).to.equal(false);
    // Over HTTP: the push service of this test at its own port, not another port of the same host.
    const other = device({ url: `http://127.0.0.1:${Number(new URL(push.url).port) + 1}` }, '/elsewhere');
    const refused = await subscribe(agent, token, other.form).expect(400);
    expect(refused.text).to.include('This browser’s push service is not one the portal sends to.');
    expect(await subscriptions()).to.deep.equal([]);
  });

  it('never moves a push address to another person silently: the same browser moves, with its keys; a bare address is refused', async function () {
    const priyaLogin = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    const priya = await db('client_users').where({ workspace_id: workspaceId, email: priyaLogin.email }).first('id', 'client_id');
    expect(priya.client_id).to.not.equal(maria.client_id);
    const priyaAgent = await signedInAgent(h.agent(), 'demo', priyaLogin);
    const priyaToken = csrfFrom((await priyaAgent.get(`${BASE}/account/notifications`).expect(200)).text);
    const holder = async () =>
      (
        await db('portal_push_subscriptions')
          .where({ workspace_id: workspaceId, endpoint: `${push.url}/shared` })
          .select('client_user_id')
      ).map((row) => row.client_user_id as string);

    const browser = device(push, '/shared');
    await subscribe(agent, token, browser.form).expect(204);
    // Someone of another company who knows the address but not the subscription's keys.
    const forged = device(push, '/shared');
    const refused = await subscribe(priyaAgent, priyaToken, forged.form).expect(409);
    expect(refused.text).to.include('already in use for another person');
    const german = await subscribe(priyaAgent, priyaToken, forged.form).set('Accept-Language', 'de').expect(409);
    expect(german.text).to.include('bereits für eine andere Person');
    expect(await holder()).to.deep.equal([maria.id]);

    // The same browser, Priya now signed in there: Maria's device goes, Priya's is made.
    await subscribe(priyaAgent, priyaToken, browser.form).expect(204);
    expect(await holder()).to.deep.equal([priya.id]);
    expect(await subscriptions()).to.deep.equal([]);
    // Maria's messages no longer go to that browser.
    const before = push.received.length;
    await change({ kind: 'invoice', id: '9110', happened: 'issued', number: 'INV-9110' });
    await h.crm.portal.clientNotifications.pushesLeft();
    expect(push.received.slice(before).map((got) => got.path)).to.not.include('/shared');
    await db('portal_push_subscriptions').where({ workspace_id: workspaceId, client_user_id: priya.id }).delete();
  });

  it('sends a kind she opted into to her device, in her language, with the link; a kind she did not, not at all', async function () {
    const phone = device(push, '/phone');
    await subscribe(agent, token, phone.form).expect(204);
    await subscribe(agent, token, phone.form).expect(204); // the same device again: still one row
    expect(await subscriptions()).to.have.length(1);

    const arrived = push.next('/phone');
    await change({ kind: 'invoice', id: '9102', happened: 'issued', number: 'INV-9102' });
    const got = await arrived;
    expect(got.headers['content-encoding']).to.equal('aes128gcm');
    expect(got.headers.authorization).to.match(/^vapid t=/);
    const message = phone.open(got);
    expect(message.body).to.equal('New invoice INV-9102');
    const [row] = await db('portal_client_notifications')
      .where({ workspace_id: workspaceId, client_user_id: maria.id, subject_id: '9102' })
      .select('id', 'emailed_at');
    expect(message.url)
      .to.match(/^https?:\/\//)
      .and.satisfy((url: string) => url.endsWith(`${BASE}/notifications/${row.id}`));
    expect(row.emailed_at).to.not.equal(null);

    await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).update({ locale: 'de' });
    const again = push.next('/phone');
    await change({ kind: 'invoice', id: '9103', happened: 'issued', number: 'INV-9103' });
    expect(phone.open(await again).body).to.equal('Neue Rechnung INV-9103');
    await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).update({ locale: 'en' });

    const before = push.received.length;
    await change({ kind: 'proposal', id: '9104', happened: 'sent', number: 'PR-9104' });
    await h.crm.portal.clientNotifications.pushesLeft();
    expect(push.received.length).to.equal(before);
    const last = await db('portal_push_subscriptions')
      .where({ workspace_id: workspaceId, client_user_id: maria.id })
      .first('last_success_at');
    expect(last.last_success_at).to.not.equal(null);
  });

  it('keeps a person’s 20 newest devices: made-up endpoints cannot make one notification fan out', async function () {
    for (let i = 0; i < 21; i++) await subscribe(agent, token, device(push, `/many-${i}`).form).expect(204);
    const kept = (await subscriptions()).map((s) => s.endpoint);
    expect(kept).to.have.length(20);
    expect(kept).to.include(`${push.url}/many-20`).and.not.include(`${push.url}/phone`);
    await db('portal_push_subscriptions')
      .where({ workspace_id: workspaceId, client_user_id: maria.id })
      .whereLike('endpoint', '%/many-%')
      .delete();
    await subscribe(agent, token, device(push, '/phone').form).expect(204);
  });

  it('removes a device the push service says is gone (410)', async function () {
    const tablet = device(push, '/tablet');
    await subscribe(agent, token, tablet.form).expect(204);
    push.answers.set('/tablet', 410);
    const gone = push.next('/tablet');
    await change({ kind: 'invoice', id: '9105', happened: 'issued', number: 'INV-9105' });
    await gone;
    await h.crm.portal.clientNotifications.pushesLeft();
    expect((await subscriptions()).map((s) => s.endpoint)).to.deep.equal([`${push.url}/phone`]);
  });

  it('removes the device of a session that signs out, and keeps her other sessions’ devices', async function () {
    const laptopAgent = await signedInAgent(h.agent(), 'demo', mariaLogin());
    const laptopToken = csrfFrom((await laptopAgent.get(`${BASE}/account/notifications`).expect(200)).text);
    await subscribe(laptopAgent, laptopToken, device(push, '/laptop').form).expect(204);
    expect(await subscriptions()).to.have.length(2);
    await laptopAgent.post(`${BASE}/sign-out`).type('form').send({ _csrf: laptopToken }).expect(303);
    expect((await subscriptions()).map((s) => s.endpoint)).to.deep.equal([`${push.url}/phone`]);

    // The page's "turn off" for one device.
    await agent
      .post(`${BASE}/push/subscriptions/remove`)
      .type('form')
      .set('X-CSRF-Token', token)
      .send({ endpoint: `${push.url}/phone` })
      .expect(204);
    expect(await subscriptions()).to.deep.equal([]);
  });

  it('erases every device of a person, and exports them without their endpoints and keys', async function () {
    await subscribe(agent, token, device(push, '/erased').form).expect(204);
    const hook = appPushPersonalData(db);
    const exported = await hook.export({ workspaceId, user: { id: maria.id } } as never);
    const json = JSON.stringify(exported);
    expect(json).to.include('push-devices.json');
    expect(json).not.to.include('/erased');
    const erased = await db.transaction((trx) => hook.erase(trx, { workspaceId, id: maria.id } as never));
    expect(erased.counts.pushDevices).to.equal(1);
    expect(await subscriptions()).to.deep.equal([]);
  });

  it('replaces a workspace’s key pair no session secret in force opens, and removes the devices subscribed with it', async function () {
    await subscribe(agent, token, device(push, '/old-key').form).expect(204);
    const before = await db('portal_push_keys').where({ workspace_id: workspaceId }).first('public_key');
    // Another secret than the one the pair was sealed under: as after a rotation that dropped the old one.
    const keyring = createVapidKeyring({
      db,
      config: {
        webPush: { endpointHosts: [], allowHttpEndpoints: false },
        appUrl: 'https://portal.example',
        sessionSecret: 'another-secret-'.padEnd(48, 'y'),
        previousSessionSecrets: [],
      },
    });
    const keys = await keyring.forWorkspace(workspaceId);
    expect(keys.publicKey).to.not.equal(before.public_key);
    expect(await subscriptions()).to.deep.equal([]);
    expect((await keyring.forWorkspace(workspaceId)).publicKey).to.equal(keys.publicKey);
  });
});
