// What keeps an open live stream (SSE) honest after it was opened, on two app instances sharing one
// real PostgreSQL (on the embedded database, one instance holds every stream):
// - the admin's switches: an event of a section switched off since the stream opened (messages,
//   read receipts, tasks, comments) is not sent, on /live nor on /messages/stream, and is sent
//   again once the section is back on;
// - the session: a stream on instance B ends when, on instance A, the client signs out, signs one
//   other session out, signs out everywhere, changes the password, or staff disable the client user; and a stream whose session
//   vanished without any event (a row deleted by hand) ends at the next periodic check;
// - the caps: one session holds at most liveStreamsPerSession streams and one address at most
//   liveStreamsPerIp on an instance; the next is refused 429 with Retry-After, and closing one frees
//   its slot.
import { expect } from 'chai';
import supertest from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { recordAndAnnounce } from '../../src/core/live/live-events.ts';
import { hashSessionId } from '../../src/core/sessions/portal-sessions.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor, signedInAgent } from '../support/portal-harness.ts';
import { openSse, type SseConnection } from '../support/sse-client.ts';

type Agent = ReturnType<typeof supertest.agent>;
type Login = { workspaceSlug: string; email: string; password: string };

const PER_SESSION = 3;
const PER_IP = 8;

describe('live streams follow switches, sessions and caps', function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let a: RunningCrm;
  let b: RunningCrm;
  let staffOnA: Agent;
  let workspaceId: string;
  let logins: Login[];

  before(async function () {
    database = await createSeededTestDatabase();
    const common = {
      databaseUrl: database.url,
      port: 0,
      sessionSecret: 'shared-secret-'.padEnd(48, 'g'),
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
    };
    // A checks its streams' sessions every half second; B at the default minute, so what ends a
    // stream on B within seconds is the event from A, not B's own timer.
    a = await bootReferenceCrm({
      ...common,
      portalConfig: { liveSessionCheckMs: 500, liveStreamsPerSession: PER_SESSION, liveStreamsPerIp: PER_IP },
    });
    b = database.mode === 'embedded' ? a : await bootReferenceCrm(common);
    workspaceId = (await a.adapter.workspaces.findBySlug('demo'))!.id;
    logins = a.clientLogins.filter((l) => l.workspaceSlug === 'demo');
    expect(logins.length, 'demo client logins').to.be.at.least(2);
    const admin = a.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staffOnA = supertest.agent(a.url);
    const page = await staffOnA.get('/signin').expect(200);
    await staffOnA
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
      .expect(303);
  });
  after(async function () {
    await a?.close();
    if (b && b !== a) await b.close();
    await database?.drop();
  });

  const other = () => logins.find((l) => l.email !== 'maria@northwind.test')!;
  const cookieOf = async (agent: Agent) => (await agent.get('/portal/demo/account').expect(200)).request.cookies ?? '';
  const signIn = (crm: RunningCrm, login: Login) => signedInAgent(supertest.agent(crm.url), 'demo', login);
  const clientIdOf = async (email: string): Promise<string> =>
    (await a.db('client_users').where({ workspace_id: workspaceId, email }).first('client_id')).client_id;
  const clientUserIdOf = async (email: string): Promise<string> =>
    (await a.db('client_users').where({ workspace_id: workspaceId, email }).first('id')).id;

  /** Saves the settings form on A with exactly these switches on (and both sign-in methods). */
  async function switchesOn(on: string[]): Promise<void> {
    const page = await staffOnA.get('/settings/client-portal').expect(200);
    let form = staffOnA
      .post('/settings/client-portal')
      .field('_csrf', csrfFrom(page.text))
      .field('loginWithCode', 'on')
      .field('loginWithPassword', 'on');
    for (const key of on) form = form.field(key, 'on');
    await form.expect(303);
  }
  const ALL_ON = ['showProposals', 'showInvoices', 'showTasks', 'allowComments', 'allowMessaging'];

  /** Records and announces an event for a client through A's bus, as the portal's own changes do. */
  async function emit(clientId: string, type: string, data: Record<string, unknown>): Promise<void> {
    await recordAndAnnounce(a.db, a.portal.events, { type, workspaceId, clientId, data }, (message, err) => {
      throw new Error(`${message}: ${String(err)}`);
    });
  }

  let probes = 0;
  /**
   * Emits an event the client always sees (a document change) and waits for it: every event
   * emitted before it has had its chance to arrive.
   */
  async function probe(clientId: string, streams: SseConnection[]): Promise<void> {
    const marker = `probe-${++probes}`;
    await emit(clientId, 'document-changed', { documentId: marker });
    for (const stream of streams)
      await stream.waitFor((e) => e.event === 'document-changed' && JSON.parse(e.data).documentId === marker, 5000);
  }
  const got = (stream: SseConnection, type: string, marker: string) =>
    stream.events.some((e) => e.event === type && Object.values(JSON.parse(e.data)).includes(marker));

  async function endsWithin(stream: SseConnection, ms: number, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
    const outcome = await Promise.race([stream.ended.then(() => 'ended' as const), late]);
    clearTimeout(timer);
    expect(outcome, what).to.equal('ended');
  }

  describe('the admin switches', function () {
    let live: SseConnection;
    let messages: SseConnection;
    let clientId: string;

    before(async function () {
      await switchesOn(ALL_ON);
      const maria = logins.find((l) => l.email === 'maria@northwind.test') ?? logins[0]!;
      clientId = await clientIdOf(maria.email);
      const cookie = await cookieOf(await signIn(a, maria));
      live = await openSse(`${b.url}/portal/demo/live`, { Cookie: cookie });
      messages = await openSse(
        `${b.url}/portal/demo/messages/stream?after=${String((await a.db('portal_live_events').max('seq as max').first())?.max ?? 0)}`,
        { Cookie: cookie },
      );
      await probe(clientId, [live, messages]);
    });
    after(async function () {
      live?.close();
      messages?.close();
      await switchesOn(ALL_ON);
    });

    it('sends no message or read-receipt event while messaging is off, and sends them again once it is on', async function () {
      await switchesOn(ALL_ON.filter((key) => key !== 'allowMessaging'));
      await emit(clientId, 'message-created', { messageId: 'while-off' });
      await emit(clientId, 'message-read', { side: 'staff', upTo: 'while-off' });
      await probe(clientId, [live, messages]);
      for (const stream of [live, messages]) {
        expect(got(stream, 'message-created', 'while-off'), 'message while messaging is off').to.equal(false);
        expect(got(stream, 'message-read', 'while-off'), 'read receipt while messaging is off').to.equal(false);
      }

      await switchesOn(ALL_ON);
      await emit(clientId, 'message-created', { messageId: 'back-on' });
      await live.waitFor((e) => e.event === 'message-created' && JSON.parse(e.data).messageId === 'back-on', 5000);
      await messages.waitFor((e) => e.event === 'message-created' && JSON.parse(e.data).messageId === 'back-on', 5000);
    });

    it('sends no task event while tasks are off, and no comment event while comments are off', async function () {
      await switchesOn(ALL_ON.filter((key) => key !== 'showTasks' && key !== 'allowComments'));
      await emit(clientId, 'task-changed', { taskId: 'task-while-off' });
      await emit(clientId, 'comment-created', { subjectType: 'invoice', subjectId: 'invoice-while-off', commentId: 'c1' });
      await probe(clientId, [live]);
      expect(got(live, 'task-changed', 'task-while-off'), 'task while tasks are off').to.equal(false);
      expect(got(live, 'comment-created', 'invoice-while-off'), 'comment while comments are off').to.equal(false);

      await switchesOn(ALL_ON);
      await emit(clientId, 'task-changed', { taskId: 'task-back-on' });
      await emit(clientId, 'comment-created', { subjectType: 'invoice', subjectId: 'invoice-back-on', commentId: 'c2' });
      await live.waitFor((e) => e.event === 'task-changed' && JSON.parse(e.data).taskId === 'task-back-on', 5000);
      await live.waitFor((e) => e.event === 'comment-created' && JSON.parse(e.data).subjectId === 'invoice-back-on', 5000);
    });

    it('sends no comment on an invoice while invoices are off, though comments are on', async function () {
      await switchesOn(ALL_ON.filter((key) => key !== 'showInvoices'));
      await emit(clientId, 'comment-created', { subjectType: 'invoice', subjectId: 'hidden-invoice', commentId: 'c3' });
      await emit(clientId, 'comment-created', { subjectType: 'proposal', subjectId: 'shown-proposal', commentId: 'c4' });
      await live.waitFor((e) => e.event === 'comment-created' && JSON.parse(e.data).subjectId === 'shown-proposal', 5000);
      expect(got(live, 'comment-created', 'hidden-invoice')).to.equal(false);
    });
  });

  describe('the session', function () {
    // The other demo client than the one the switches and caps tests use (disabling one comes last).
    const open = async (agent: Agent) => openSse(`${b.url}/portal/demo/live`, { Cookie: await cookieOf(agent) });

    it('ends the stream of a session when the client signs out of that session on another instance', async function () {
      const login = other();
      const onA = await signIn(a, login);
      const stream = await open(onA);
      const page = await onA.get('/portal/demo/account').expect(200);
      await onA
        .post('/portal/demo/sign-out')
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(303);
      await endsWithin(stream, 3000, 'the stream of the signed-out session');
    });

    /**
     * Two sessions of one client, each with a stream; `act` runs in `here`. The other session's
     * stream must end; the session that asked stays signed in, and so does its stream.
     */
    async function endsTheOtherStreamOnly(what: string, act: (here: Agent, elsewhere: Agent, login: Login) => Promise<void>) {
      const login = other();
      const elsewhere = await signIn(a, login);
      const here = await signIn(a, login);
      const elsewhereStream = await open(elsewhere);
      const own = await open(here);
      try {
        await act(here, elsewhere, login);
        await endsWithin(elsewhereStream, 3000, what);
        await probe(await clientIdOf(login.email), [own]);
        expect(own.isEnded).to.equal(false);
      } finally {
        own.close();
      }
    }

    it('ends the streams of the other sessions when the client signs out everywhere on another instance', async function () {
      await endsTheOtherStreamOnly('the stream of a session signed out everywhere', async (here) => {
        const confirm = await here.get('/portal/demo/account/sessions/revoke-others').expect(200);
        await here
          .post('/portal/demo/account/sessions/revoke-others')
          .type('form')
          .send({ _csrf: csrfFrom(confirm.text) })
          .expect(303);
      });
    });

    it('ends the stream of one session the client signs out from the account page on another instance', async function () {
      await endsTheOtherStreamOnly('the stream of a session signed out from the account page', async (here, elsewhere) => {
        const page = await here.get('/portal/demo/account').expect(200);
        // The account page names each session by its hashed id; the cookie carries the id, signed.
        const sid = /portal\.sid=s%3A([^.;]+)\./.exec(await cookieOf(elsewhere))![1]!;
        const revoke = `/portal/demo/account/sessions/${hashSessionId(decodeURIComponent(sid))}/revoke`;
        expect(page.text).to.contain(`action="${revoke}"`);
        await here
          .post(revoke)
          .type('form')
          .send({ _csrf: csrfFrom(page.text) })
          .expect(303);
      });
    });

    it('ends the streams of the other sessions when the client changes the password on another instance', async function () {
      await endsTheOtherStreamOnly('the stream of a session ended by a password change', async (here, _elsewhere, login) => {
        const page = await here.get('/portal/demo/account').expect(200);
        const newPassword = 'A new and much longer passphrase 42!';
        await here
          .post('/portal/demo/account/password')
          .type('form')
          .send({ _csrf: csrfFrom(page.text), currentPassword: login.password, password: newPassword, confirmPassword: newPassword })
          .expect(303);
        login.password = newPassword;
      });
    });

    it('ends a stream whose session is gone without any event, at the next periodic check', async function () {
      const login = other();
      const stream = await openSse(`${a.url}/portal/demo/live`, { Cookie: await cookieOf(await signIn(a, login)) });
      const id = await clientUserIdOf(login.email);
      // Behind the portal's back: no event announces it; A's half-second check finds it.
      await a.db('client_sessions').whereRaw("sess->'portal'->>'clientUserId' = ?", [id]).delete();
      await endsWithin(stream, 3000, 'the stream of a session deleted without an event');
    });
  });

  describe('the caps', function () {
    const tryOpen = async (cookie: string) =>
      fetch(`${a.url}/portal/demo/live`, { headers: { Accept: 'text/event-stream', Cookie: cookie } });

    it(`refuses the stream past ${PER_SESSION} from one session with 429 and Retry-After, and a closed one frees its slot`, async function () {
      const maria = logins.find((l) => l.email === 'maria@northwind.test') ?? logins[0]!;
      const cookie = await cookieOf(await signIn(a, maria));
      const streams: SseConnection[] = [];
      try {
        for (let i = 0; i < PER_SESSION; i++) streams.push(await openSse(`${a.url}/portal/demo/live`, { Cookie: cookie }));
        const refused = await tryOpen(cookie);
        expect(refused.status).to.equal(429);
        expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
        expect(refused.headers.get('content-type')).to.match(/^text\/plain/);
        expect(await refused.text()).to.match(/too many live connections/i);

        streams.shift()!.close();
        let again: Response | null = null;
        for (let tries = 0; tries < 40; tries++) {
          again = await tryOpen(cookie);
          if (again.status === 200) break;
          await again.body?.cancel();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(again!.status, 'a stream after one was closed').to.equal(200);
        await again!.body?.cancel();
      } finally {
        for (const stream of streams) stream.close();
      }
    });

    it(`refuses the stream past ${PER_IP} from one address, whatever the session`, async function () {
      const maria = logins.find((l) => l.email === 'maria@northwind.test') ?? logins[0]!;
      const cookies = [
        await cookieOf(await signIn(a, maria)),
        await cookieOf(await signIn(a, maria)),
        await cookieOf(await signIn(a, maria)),
        await cookieOf(await signIn(a, maria)),
      ];
      const streams: SseConnection[] = [];
      try {
        for (let i = 0; i < PER_IP; i++)
          streams.push(await openSse(`${a.url}/portal/demo/live`, { Cookie: cookies[Math.floor(i / PER_SESSION)]! }));
        // The last session holds fewer than its own cap: the address's cap refuses it.
        const refused = await tryOpen(cookies[3]!);
        expect(refused.status).to.equal(429);
        expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
        await refused.body?.cancel();
      } finally {
        for (const stream of streams) stream.close();
      }
    });
  });

  // Last: it leaves this client user disabled.
  describe('disabling a client user', function () {
    const open = async (agent: Agent) => openSse(`${b.url}/portal/demo/live`, { Cookie: await cookieOf(agent) });

    it('ends every stream of a client user staff disable on another instance', async function () {
      const login = logins.find((l) => l.email === 'maria@northwind.test') ?? logins[0]!;
      const stream = await open(await signIn(a, login));
      const id = await clientUserIdOf(login.email);
      const confirm = await staffOnA.get(`/settings/client-portal/clients/${id}/disable`).expect(200);
      await staffOnA
        .post(`/settings/client-portal/clients/${id}/disable`)
        .type('form')
        .send({ _csrf: csrfFrom(confirm.text) })
        .expect(303);
      await endsWithin(stream, 3000, 'the stream of a disabled client user');
    });
  });
});
