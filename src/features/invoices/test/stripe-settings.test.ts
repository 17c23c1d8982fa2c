// A workspace's own Stripe keys, over HTTP against the reference CRM and the Stripe stand-in: the
// admin saves them (both, of the right kinds, else 400 with what to paste), they are stored
// encrypted and bound to the workspace, never shown again (a hint only), and from then on take
// precedence over the installation's keys for checkouts and webhook signatures; "Test the
// connection" says what Stripe answered. Which keys apply (workspace, then host, then environment)
// is checked on the resolver itself with a host that keeps keys.
import { expect } from 'chai';
import { createSecretBox } from '../../../core/index.ts';
import { stripeKeyResolver } from '../payments/stripe-keys.ts';
import { csrfFrom, postFormFrom, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { chooseStripeOnDemo } from '../../../../test/support/stripe-portal.ts';
import { postStripeEvent, startStripeStandIn, type StripeStandIn } from '../../../../test/support/stripe-stand-in.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const SESSION_SECRET = 'test-secret-'.padEnd(48, 'x');

describe('a workspace’s own Stripe keys (payment settings)', function () {
  this.timeout(90_000);
  let stripe: StripeStandIn;
  let h: PortalHarness;
  let client: Agent;
  let staff: Agent;
  let invoice: { id: string; workspaceId: string; clientId: string };
  const installationKey = 'sk_test_installation0000000000';
  const installationWebhook = 'whsec_installation000000000000';
  const ownKey = 'sk_test_brandOwnKey1234567894242';
  const ownWebhook = 'whsec_brandOwnSigningSecret0000';
  const PAGE = '/settings/client-portal/payments';

  before(async function () {
    stripe = await startStripeStandIn({
      secretKey: installationKey,
      webhookSecret: installationWebhook,
      balance: [{ amount: 123_45, currency: 'eur' }],
    });
    h = await startPortalHarness({
      boot: { stripe: { secretKey: installationKey, webhookSecret: installationWebhook, apiBase: stripe.url } },
    });
    ({ client, staff, invoice } = await chooseStripeOnDemo(h));
  });

  after(async function () {
    await h?.close();
    await stripe?.close();
  });

  it('shows where the keys in force come from and the webhook URL to give Stripe', async function () {
    const page = await staff.get(PAGE).expect(200);
    expect(page.text).to.include('the installation (STRIPE_SECRET_KEY)');
    expect(page.text).to.include('/portal/demo/payments/callback/stripe');
    expect(page.text).to.not.include(installationKey);
    // The installation's keys serve it: nothing for start-up to name.
    expect(await h.crm.portal.paymentCheck()).to.deep.equal({ refusals: [], warnings: [] });
  });

  it('tests the connection: Stripe’s mode and balance, or why it refused', async function () {
    const ok = await postFormFrom(staff, PAGE, `${PAGE}/stripe-test`, {}, 200);
    expect(ok.text).to.include('Connected to Stripe in test mode. Available balance: €123.45.');
    expect(stripe.requests.at(-2)).to.deep.include({ method: 'GET', path: '/v1/balance' });
    // In the staff member's language: the amount as German writes money, the provider described.
    const page = await staff.get(PAGE).set('Accept-Language', 'de').expect(200);
    expect(page.text).to.include('<option value="stripe"').and.include('>Stripe (Karten, SEPA-Lastschrift');
    const german = await staff
      .post(`${PAGE}/stripe-test`)
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(200);
    expect(german.text).to.include('Verfügbares Guthaben: 123,45\u00a0€.');
    stripe.secretKey = 'sk_test_someoneElse';
    try {
      const refused = await postFormFrom(staff, PAGE, `${PAGE}/stripe-test`, {}, 200);
      expect(refused.text).to.include('Stripe did not accept the connection: Invalid API Key provided');
    } finally {
      stripe.secretKey = installationKey;
    }
  });

  it('shows the endpoint and its events, and tests that Stripe has that endpoint with every event', async function () {
    const page = await staff.get(PAGE).expect(200);
    const url = /id="stripe-endpoint-url">([^<]+)</.exec(page.text)?.[1];
    expect(url).to.match(/^http:\/\/localhost:\d+\/portal\/demo\/payments\/callback\/stripe$/);
    const events = [
      'checkout.session.completed',
      'checkout.session.async_payment_succeeded',
      'checkout.session.async_payment_failed',
      'checkout.session.expired',
    ];
    for (const event of events) expect(page.text).to.include(`<li><code>${event}</code></li>`);
    const test = async () => (await postFormFrom(staff, PAGE, `${PAGE}/stripe-test`, {}, 200)).text;
    try {
      stripe.webhookEndpoints = [{ url: 'https://elsewhere.example/stripe/ipn.php', enabled_events: ['*'] }];
      expect(await test()).to.include('no enabled webhook endpoint in Stripe sends to this portal’s address');
      expect(stripe.requests.at(-1)).to.deep.include({ method: 'GET', path: '/v1/webhook_endpoints' });
      stripe.webhookEndpoints.push({ url: url!, enabled_events: events.slice(0, 2) });
      expect(await test()).to.include('lacks these events: checkout.session.async_payment_failed, checkout.session.expired');
      stripe.webhookEndpoints.push({ url: url!, enabled_events: events, status: 'disabled' });
      expect(await test()).to.include('lacks these events');
      stripe.webhookEndpoints.push({ url: url!, enabled_events: events });
      expect(await test()).to.include('Stripe sends this portal’s endpoint every event it needs.');
    } finally {
      stripe.webhookEndpoints = [];
    }
  });

  it('refuses a publishable key or a missing signing secret with what to paste, saving nothing', async function () {
    const bad = await postFormFrom(
      staff,
      PAGE,
      `${PAGE}/stripe-keys`,
      { stripeSecretKey: 'pk_test_abcdefghijkl', stripeWebhookSecret: '' },
      400,
    );
    expect(bad.text).to.include('not a publishable key (pk_…)').and.include('signing secret (whsec_…)');
    expect(bad.text).to.not.include('pk_test_abcdefghijkl');
    const row = await h.crm.db('portal_payment_settings').where({ workspace_id: invoice.workspaceId }).first();
    expect(row.stripe_secret_key_sealed).to.equal(null);
  });

  it('stores the workspace’s keys encrypted, never shows them again, and uses them before the installation’s', async function () {
    const saved = await postFormFrom(staff, PAGE, `${PAGE}/stripe-keys`, { stripeSecretKey: ownKey, stripeWebhookSecret: ownWebhook }, 303);
    expect(saved.headers.location).to.equal(`${PAGE}?saved=keys`);
    const row = await h.crm.db('portal_payment_settings').where({ workspace_id: invoice.workspaceId }).first();
    expect(JSON.stringify(row)).to.not.include(ownKey).and.not.include(ownWebhook);
    expect(row.stripe_key_hint).to.equal('sk_test_…4242');
    const box = createSecretBox(SESSION_SECRET, [], 'workspace stripe keys v1');
    expect(box.open(row.stripe_secret_key_sealed, invoice.workspaceId)?.plain).to.equal(ownKey);
    expect(box.open(row.stripe_secret_key_sealed, 'another-workspace')).to.equal(null);
    expect(createSecretBox(SESSION_SECRET).open(row.stripe_secret_key_sealed, invoice.workspaceId)).to.equal(null);
    const page = await staff.get(`${PAGE}?saved=keys`).expect(200);
    expect(page.text)
      .to.include('Stripe keys saved, encrypted')
      .and.include('the keys saved for this workspace')
      .and.include('sk_test_…4242');
    expect(page.text).to.not.include(ownKey).and.not.include(ownWebhook);

    // The checkout now goes to Stripe with the workspace's key: the installation's is refused.
    stripe.secretKey = ownKey;
    const path = `/portal/demo/invoices/${invoice.id}/pay`;
    const res = await postFormFrom(client, path, path, { choice: 'full' }, 303);
    const session = stripe.sessions.get(/\/c\/pay\/(cs_test_[\w-]+)$/.exec(res.headers.location ?? '')![1]!)!;
    // Its events are signed with the workspace's webhook secret; the installation's no longer holds.
    const payload = JSON.stringify(stripe.event('checkout.session.completed', stripe.complete(session.id)));
    const post = (secret: string) => postStripeEvent(h.agent(), payload, stripe.sign(payload, { secret }));
    await post(installationWebhook).expect(400);
    expect((await post(ownWebhook).expect(200)).body).to.deep.equal({ status: 'recorded' });

    await postFormFrom(staff, PAGE, `${PAGE}/stripe-keys/remove`, {}, 303);
    expect((await staff.get(PAGE).expect(200)).text).to.include('the installation (STRIPE_SECRET_KEY)');
    stripe.secretKey = installationKey;
  });

  it('takes the workspace’s keys first, then the host’s, then the installation’s', async function () {
    const own = new Map<string, { secretKey: string; webhookSecret: string }>([
      ['1', { secretKey: 'sk_test_own', webhookSecret: 'whsec_own' }],
    ]);
    const host = new Map<string, { secretKey: string; webhookSecret: string | null }>([
      ['1', { secretKey: 'sk_test_host1', webhookSecret: 'whsec_host1' }],
      ['2', { secretKey: 'sk_test_host2', webhookSecret: null }],
    ]);
    const resolve = stripeKeyResolver({
      workspace: async (id) => own.get(id) ?? null,
      host: { stripeKeys: async (id) => host.get(id) ?? null },
      environment: { secretKey: 'sk_test_env', webhookSecret: 'whsec_env' },
    });
    expect(await resolve('1')).to.deep.equal({ secretKey: 'sk_test_own', webhookSecret: 'whsec_own', source: 'workspace' });
    // Beside a host's key, the portal endpoint's own secret (the installation's), never the host's.
    expect(await resolve('2')).to.deep.equal({ secretKey: 'sk_test_host2', webhookSecret: 'whsec_env', source: 'host' });
    own.clear();
    expect(await resolve('1')).to.deep.equal({ secretKey: 'sk_test_host1', webhookSecret: 'whsec_env', source: 'host' });
    expect(await resolve('3')).to.deep.equal({ secretKey: 'sk_test_env', webhookSecret: 'whsec_env', source: 'environment' });
    expect(await stripeKeyResolver({ workspace: async () => null, environment: {} })('3')).to.equal(null);
  });
});
