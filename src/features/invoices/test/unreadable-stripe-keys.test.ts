// A workspace's own Stripe keys that no known secret opens (PAYMENT_KEYS_SECRET or SESSION_SECRET
// changed without keeping the old one): the workspace's online payments stop instead of falling
// back to the installation's Stripe account. The pay page says so and offers the bank transfer,
// starting a checkout is refused with nothing sent to Stripe, the workspace's webhook events are
// answered 503 (Stripe sends them again later), the staff page says what happened, and start-up
// refuses, naming the workspace. Also: keys sealed under the session secret still open once
// PAYMENT_KEYS_SECRET is set, and are sealed again under it.
import { expect } from 'chai';
import { createSecretBox } from '../../../core/index.ts';
import { StartupRefused } from '../../../index.ts';
import { bootReferenceCrm } from '../../../../plugins/reference-crm/boot.ts';
import { captureLogger, type CapturedLogger } from '../../../../test/support/capture-logger.ts';
import { createStripeKeyStore } from '../payments/stripe-key-store.ts';
import { postFormFrom, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { chooseStripeOnDemo } from '../../../../test/support/stripe-portal.ts';
import { postStripeEvent, startStripeStandIn, type StripeStandIn } from '../../../../test/support/stripe-stand-in.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const SESSION_SECRET = 'test-secret-'.padEnd(48, 'x');
const PAYMENT_KEYS_SECRET = 'Yq3vN8pZk2LwT5rJc7HbF0sDx4GmE9aVuQ1iO6nRyWlKtP';
const FORMER_SECRET = 'a-payment-keys-secret-since-replaced-Zr8Lm2Qp5Xw';

describe('a workspace’s own Stripe keys that cannot be opened', function () {
  this.timeout(90_000);
  let stripe: StripeStandIn;
  let h: PortalHarness;
  let client: Agent;
  let staff: Agent;
  let invoice: { id: string; workspaceId: string; clientId: string };
  let logs: CapturedLogger;
  const installationKey = 'sk_test_installation0000000000';
  const installationWebhook = 'whsec_installation000000000000';
  const ownKey = 'sk_test_brandOwnKey1234567894242';
  const ownWebhook = 'whsec_brandOwnSigningSecret0000';
  const PAGE = '/settings/client-portal/payments';
  const stripeConfig = () => ({ secretKey: installationKey, webhookSecret: installationWebhook, apiBase: stripe.url });

  before(async function () {
    stripe = await startStripeStandIn({ secretKey: installationKey, webhookSecret: installationWebhook });
    logs = captureLogger();
    h = await startPortalHarness({ boot: { stripe: stripeConfig(), paymentKeysSecret: PAYMENT_KEYS_SECRET, logger: logs.logger } });
    ({ client, staff, invoice } = await chooseStripeOnDemo(h));
    await postFormFrom(
      staff,
      PAGE,
      PAGE,
      { bankTransferInstructions: 'Transfer to DE89 3704 0044 0532 0130 00, quoting the invoice number.', onlineProvider: 'stripe' },
      303,
    );
    // The workspace's keys as sealed under a secret this instance no longer has.
    const former = createSecretBox(FORMER_SECRET, [], 'workspace stripe keys v1');
    await h.crm
      .db('portal_payment_settings')
      .where({ workspace_id: invoice.workspaceId })
      .update({
        stripe_secret_key_sealed: former.seal(ownKey, invoice.workspaceId),
        stripe_webhook_secret_sealed: former.seal(ownWebhook, invoice.workspaceId),
        stripe_key_hint: 'sk_test_…4242',
      });
  });

  after(async function () {
    await h?.close();
    await stripe?.close();
  });

  it('says on the pay page that paying online is not possible now, and offers the bank transfer', async function () {
    const page = await client.get(`/portal/demo/invoices/${invoice.id}/pay`).expect(200);
    expect(page.text).to.include('data-online-unavailable').and.include('Paying online is not possible at the moment');
    expect(page.text).to.include('You can pay by bank transfer below.').and.include('DE89 3704 0044 0532 0130 00');
    expect(page.text).to.not.include('name="choice"');
  });

  it('refuses to start a checkout, sending nothing to Stripe and recording no checkout', async function () {
    const path = `/portal/demo/invoices/${invoice.id}/pay`;
    const before = await h.crm.db('client_payments').where({ workspace_id: invoice.workspaceId }).count<[{ count: string }]>('* as count');
    const refused = await postFormFrom(client, path, path, { choice: 'full' }, 503);
    expect(refused.text).to.include('Paying online is not possible at the moment');
    expect(stripe.requests.filter((r) => r.path === '/v1/checkout/sessions')).to.deep.equal([]);
    expect(stripe.sessions.size).to.equal(0);
    const after = await h.crm.db('client_payments').where({ workspace_id: invoice.workspaceId }).count<[{ count: string }]>('* as count');
    expect(after[0]?.count).to.equal(before[0]?.count);
  });

  it('answers the workspace’s webhook events 503, whichever secret signed them, so Stripe sends them again', async function () {
    const payload = JSON.stringify({
      id: 'evt_unreadable_1',
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'cs_test_x', object: 'checkout.session' } },
    });
    for (const secret of [ownWebhook, installationWebhook]) {
      const answer = await postStripeEvent(h.agent(), payload, stripe.sign(payload, { secret })).expect(503);
      expect(answer.body).to.deep.equal({ error: 'payments are unavailable here for now' });
    }
    expect(await h.crm.db('client_payment_callbacks').where({ workspace_id: invoice.workspaceId })).to.deep.equal([]);
    expect(logs.errors.map((e) => e.message)).to.include(
      `payment callback for workspace ${invoice.workspaceId} not checked: the workspace's own Stripe keys cannot be opened with PAYMENT_KEYS_SECRET or SESSION_SECRET (or their _PREVIOUS): set the secret they were saved under, or save them again`,
    );
  });

  it('tells the admin the saved keys cannot be opened, and "Test the connection" does not fall back', async function () {
    const page = await staff.get(PAGE).expect(200);
    expect(page.text).to.include('id="stripe-unreadable"').and.include('These saved keys cannot be opened');
    const tested = await postFormFrom(staff, PAGE, `${PAGE}/stripe-test`, {}, 200);
    expect(tested.text).to.include('this workspace’s saved keys cannot be opened');
    expect(stripe.requests.filter((r) => r.path === '/v1/balance')).to.deep.equal([]);
  });

  it('refuses start-up, naming the workspace', async function () {
    const check = await h.crm.portal.paymentCheck();
    expect(check.refusals).to.have.length(1);
    expect(check.refusals[0]).to.include(
      `workspace ${invoice.workspaceId} chooses Stripe with keys of its own (sk_test_…4242) that cannot be opened`,
    );
    let refused: unknown;
    try {
      const second = await bootReferenceCrm({
        databaseUrl: h.database.url,
        port: 0,
        sessionSecret: SESSION_SECRET,
        paymentKeysSecret: PAYMENT_KEYS_SECRET,
        seedDemoData: false,
        stripe: stripeConfig(),
        quiet: true,
      });
      await second.close();
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(StartupRefused);
    expect((refused as Error).message)
      .to.include(`workspace ${invoice.workspaceId}`)
      .and.include('PAYMENT_KEYS_SECRET_PREVIOUS');
  });

  it('opens them again once the former secret is kept as a previous one, sealing them under the current one', async function () {
    const config = { sessionSecret: SESSION_SECRET, previousSessionSecrets: [], paymentKeysSecret: PAYMENT_KEYS_SECRET };
    const withFormer = createStripeKeyStore(h.crm.db, { ...config, previousPaymentKeysSecrets: [FORMER_SECRET] });
    expect(await withFormer.open(invoice.workspaceId)).to.deep.equal({
      secretKey: ownKey,
      webhookSecret: ownWebhook,
      hint: 'sk_test_…4242',
    });
    const current = createStripeKeyStore(h.crm.db, { ...config, previousPaymentKeysSecrets: [] });
    expect(await current.open(invoice.workspaceId)).to.deep.include({ secretKey: ownKey });
    expect(await h.crm.portal.paymentCheck()).to.deep.equal({ refusals: [], warnings: [] });
  });
});

describe('moving a workspace’s Stripe keys from the session secret to PAYMENT_KEYS_SECRET', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  const workspaceId = () => h.crm.staffLogins.clients.find((l) => l.workspaceSlug === 'demo')!.workspaceId;
  const SESSION = 'test-secret-'.padEnd(48, 'x');
  const NEW_SESSION = 'another-session-secret-Hc4Wq9Lz7Nt2Pb6Xk1Rv8Sm3Fd';
  const keys = { secretKey: 'sk_test_sealedUnderSession4242', webhookSecret: 'whsec_sealedUnderSession0000' };

  before(async function () {
    h = await startPortalHarness();
  });

  after(async function () {
    await h?.close();
  });

  it('opens keys sealed under SESSION_SECRET, seals them again under PAYMENT_KEYS_SECRET, and then needs only that', async function () {
    const before = createStripeKeyStore(h.crm.db, { sessionSecret: SESSION, previousSessionSecrets: [], previousPaymentKeysSecrets: [] });
    await before.save(workspaceId(), keys, 'staff-1');
    const sealedBefore = await h.crm.db('portal_payment_settings').where({ workspace_id: workspaceId() }).first();

    const withPaymentKey = createStripeKeyStore(h.crm.db, {
      sessionSecret: SESSION,
      previousSessionSecrets: [],
      paymentKeysSecret: PAYMENT_KEYS_SECRET,
      previousPaymentKeysSecrets: [],
    });
    expect(await withPaymentKey.open(workspaceId())).to.deep.include(keys);
    const sealedAfter = await h.crm.db('portal_payment_settings').where({ workspace_id: workspaceId() }).first();
    expect(sealedAfter.stripe_secret_key_sealed).to.not.equal(sealedBefore.stripe_secret_key_sealed);
    expect(sealedAfter.updated_at.getTime()).to.equal(sealedBefore.updated_at.getTime());
    const box = createSecretBox(PAYMENT_KEYS_SECRET, [], 'workspace stripe keys v1');
    expect(box.open(sealedAfter.stripe_secret_key_sealed, workspaceId())).to.deep.equal({ plain: keys.secretKey, stale: false });

    // The session secret can now change on its own.
    const rotated = createStripeKeyStore(h.crm.db, {
      sessionSecret: NEW_SESSION,
      previousSessionSecrets: [],
      paymentKeysSecret: PAYMENT_KEYS_SECRET,
      previousPaymentKeysSecrets: [],
    });
    expect(await rotated.open(workspaceId())).to.deep.include(keys);
    // Without PAYMENT_KEYS_SECRET they are unreadable, not absent.
    const without = createStripeKeyStore(h.crm.db, { sessionSecret: SESSION, previousSessionSecrets: [], previousPaymentKeysSecrets: [] });
    expect(await without.open(workspaceId())).to.deep.equal({ unreadable: true, hint: 'sk_test_…4242' });
  });
});
