// Operating the portal, on the reference CRM as `npm start` runs it (real SMTP capture, both
// databases): real flows (password sign-in, wrong and right; one-time code; reset link; a public
// link; form posts with CSRF tokens; a live stream) with the structured log captured, then
//  - no secret of those flows appears anywhere in the captured log (passwords, the code, the reset
//    and public-link tokens, CSRF tokens, session cookies), while the requests are logged by route
//    pattern with their request id on every line;
//  - /metrics (behind METRICS_TOKEN) reports request durations by route pattern and status class,
//    sign-in outcomes, the outbox depth, open live streams, the flag state and process metrics.
import { expect } from 'chai';
import { createPortalMetrics } from '../../src/core/ops/metrics.ts';
import { insertOutboxMessage } from '../../src/core/mail/outbox-queries.ts';
import { captureLogger, type CapturedLogger } from '../support/capture-logger.ts';
import { cookieNamed, csrfFrom, linkFrom, sixDigitCode, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { openSse } from '../support/sse-client.ts';
import { demoNorthwind } from '../support/demo-records.ts';

const METRICS_TOKEN = 'metrics-test-token-0123456789abcdef';
const BASE = '/portal/demo';

/** The value of one series in Prometheus text format, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('operating: logs without secrets, and metrics', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let log: CapturedLogger;
  const secrets: Array<{ what: string; value: string }> = [];
  const keep = (what: string, value: string | undefined) => {
    expect(value, what).to.be.a('string').with.length.above(5);
    secrets.push({ what, value: value! });
  };
  const sessionValue = (res: { headers: Record<string, unknown> }) => cookieNamed(res, 'portal.sid')?.split(';')[0]?.split('=')[1];

  before(async function () {
    log = captureLogger('debug');
    h = await startPortalHarness({ boot: { logger: log.logger, metricsToken: METRICS_TOKEN } });
  });
  after(async function () {
    await h?.close();
  });

  it('runs the flows that carry secrets', async function () {
    const [maria, second] = h.crm.clientLogins.filter((login) => login.workspaceSlug === 'demo');
    expect(second, 'two demo client logins').to.not.equal(undefined);
    const third = maria;

    // Password: a wrong one, then the right one.
    const agent = h.agent();
    const page = await agent.get(`${BASE}/sign-in`).expect(200);
    keep('csrf token', csrfFrom(page.text));
    const wrongPassword = 'wrong-password-Zq81xv';
    keep('wrong password', wrongPassword);
    await agent
      .post(`${BASE}/sign-in/password`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: maria!.email, password: wrongPassword })
      .expect(401);
    keep('password', maria!.password);
    const signedIn = await agent
      .post(`${BASE}/sign-in/password`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: maria!.email, password: maria!.password })
      .expect(303);
    keep('session cookie', sessionValue(signedIn));
    const dashboard = await agent.get(`${BASE}/`).expect(200);
    keep('signed-in csrf token', csrfFrom(dashboard.text));

    // A live stream, open while the metrics are scraped below.
    const cookie = cookieNamed(signedIn, 'portal.sid')!.split(';')[0]!;
    const stream = await openSse(`${h.crm.url}${BASE}/messages/stream`, { Cookie: cookie });
    const streamsOpen = await scrape();
    expect(sample(streamsOpen, 'portal_sse_connections')).to.equal(1);
    stream.close();

    // One-time code.
    const coder = h.agent();
    const codePage = await coder.get(`${BASE}/sign-in/code`).expect(200);
    await coder
      .post(`${BASE}/sign-in/code`)
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), email: second!.email })
      .expect(200);
    const code = sixDigitCode(
      (await h.smtp.waitForMessage((m) => m.to.includes(second!.email) && /\d{6}/.test(m.subject), 10_000)).subject,
    );
    keep('one-time code', code);
    const verified = await coder
      .post(`${BASE}/sign-in/code/verify`)
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), email: second!.email, code })
      .expect(303);
    keep('code session cookie', sessionValue(verified));

    // Reset link, then a new password (the first client, now signed in elsewhere).
    const resetter = h.agent();
    const forgot = await resetter.get(`${BASE}/password/forgot`).expect(200);
    await resetter
      .post(`${BASE}/password/forgot`)
      .type('form')
      .send({ _csrf: csrfFrom(forgot.text), email: third!.email })
      .expect(200);
    const resetPath = linkFrom(
      (await h.smtp.waitForMessage((m) => m.to.includes(third!.email) && m.text.includes('/password/reset/'), 10_000)).text,
      '/password/reset/',
    );
    keep('reset token', resetPath.split('/').pop());
    const resetPage = await resetter.get(resetPath).expect(200);
    const newPassword = 'a-new-password-Kx73pq';
    keep('new password', newPassword);
    await resetter
      .post(resetPath)
      .type('form')
      .send({ _csrf: csrfFrom(resetPage.text), password: newPassword, confirmPassword: newPassword })
      .expect(303);

    // A public link, created by staff, opened by a visitor.
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const staff = h.agent();
    const signInPage = await staff.get('/signin').expect(200);
    keep('staff password', admin.password);
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(signInPage.text), email: admin.email, password: admin.password })
      .expect(303);
    const client = await demoNorthwind(h.crm.db);
    const [proposal] = await h.crm
      .db('proposals')
      .insert({
        workspace_id: client.workspace_id,
        client_id: client.id,
        number: 'OPS-1',
        title: 'Logging check',
        body: 'x',
        status: 'sent',
        currency: 'USD',
        valid_until: '2099-12-31',
        sent_at: new Date(),
      })
      .returning('id');
    const recordPath = `/settings/client-portal/records/proposal/${client.id}/${proposal.id}`;
    const record = await staff.get(recordPath).expect(200);
    const created = await staff
      .post(`${recordPath}/links`)
      .type('form')
      .send({ _csrf: csrfFrom(record.text), days: '30', allowDecision: 'on' })
      .expect(303);
    const after = await staff.get(created.headers.location!.split('#')[0]!).expect(200);
    const linkUrl = /value="(https?:\/\/[^"]+\/portal\/demo\/p\/[A-Za-z0-9_-]{43})"/.exec(after.text)?.[1];
    const link = new URL(linkUrl!).pathname;
    keep('public link token', link.split('/').pop());
    await h.agent().get(link).expect(200);
    await h.agent().get(`${link}?utm_source=mail`).expect(200);
  });

  it('logs every request by route pattern with its request id, and none of the secrets', function () {
    const output = log.output();
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.length).to.be.above(15);
    // Staff pages are logged the same way.
    expect(requests.some((line) => String(line.route).startsWith('/settings/client-portal/records/'))).to.equal(true);
    for (const line of requests) expect(line.reqId, JSON.stringify(line)).to.be.a('string');
    const routes = new Set(requests.map((line) => line.route));
    for (const route of [
      '/portal/:workspaceSlug/sign-in/password',
      '/portal/:workspaceSlug/sign-in/code/verify',
      '/portal/:workspaceSlug/password/reset/:token',
      '/portal/:workspaceSlug/p/:token',
      '/portal/:workspaceSlug/messages/stream',
    ]) {
      expect(routes, route).to.include(route);
    }
    for (const secret of secrets) expect(output.includes(secret.value), `the log holds the ${secret.what}`).to.equal(false);
  });

  async function scrape(): Promise<string> {
    const res = await h.agent().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.headers['content-type']).to.match(/^text\/plain/);
    return res.text;
  }

  it('serves metrics only to the token holder', async function () {
    await h.agent().get('/metrics').expect(401);
    await h.agent().get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
  });

  it('reports requests by route, sign-in outcomes, open streams, the flag and process metrics', async function () {
    const text = await scrape();
    const route = (path: string, status: string, method = 'POST') =>
      sample(text, 'portal_http_request_duration_seconds_count', { method, route: `/portal/:workspaceSlug${path}`, status_class: status });
    expect(route('/sign-in/password', '4xx')).to.equal(1);
    expect(route('/sign-in/password', '3xx')).to.equal(1);
    expect(route('/p/:token', '2xx', 'GET')).to.equal(2);
    expect(text).to.not.match(/route="[^"]*\/p\/[A-Za-z0-9_-]{43}/);
    expect(sample(text, 'portal_sign_ins_total', { method: 'password', outcome: 'failure' })).to.equal(1);
    expect(sample(text, 'portal_sign_ins_total', { method: 'password', outcome: 'success' })).to.equal(1);
    expect(sample(text, 'portal_sign_ins_total', { method: 'code', outcome: 'success' })).to.equal(1);
    expect(sample(text, 'portal_sign_ins_total', { method: 'reset', outcome: 'success' })).to.equal(1);
    expect(sample(text, 'portal_sse_connections')).to.equal(0);
    expect(sample(text, 'portal_flag_enabled', { workspace: 'demo' })).to.equal(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).to.be.above(0);
  });

  it('reads the outbox depth from the outbox table on each scrape', async function () {
    // Wait for the flows' mail to be marked sent, then queue two messages due far in the future.
    const pending = () =>
      h.crm.db('portal_mail_outbox').whereNull('sent_at').whereNull('gave_up_at').count<{ count: string }[]>({ count: '*' });
    for (let i = 0; i < 100 && Number((await pending())[0]!.count) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sample(await scrape(), 'portal_mail_outbox_depth')).to.equal(0);
    const later = Date.now() + 365 * 86_400_000;
    await insertOutboxMessage(h.crm.db, { recipient: 'a@example.test', payload: 'x', now: later, deliver: true });
    await insertOutboxMessage(h.crm.db, { recipient: 'b@example.test', payload: 'x', now: later, deliver: true });
    expect(sample(await scrape(), 'portal_mail_outbox_depth')).to.equal(2);
  });

  it('keeps each portal’s series apart (its own registry, not the global one)', async function () {
    const one = createPortalMetrics({ outboxDepth: async () => 1, flagEnabled: () => true });
    const two = createPortalMetrics({ outboxDepth: async () => 2, flagEnabled: () => false });
    one.signIn('code', 'failure');
    expect(sample(await one.registry.metrics(), 'portal_sign_ins_total', { method: 'code', outcome: 'failure' })).to.equal(1);
    expect(sample(await two.registry.metrics(), 'portal_sign_ins_total', { method: 'code', outcome: 'failure' })).to.equal(undefined);
    expect(sample(await two.registry.metrics(), 'portal_mail_outbox_depth')).to.equal(2);
  });
});
