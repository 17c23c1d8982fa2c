// Beside Dolibarr with its Stripe module on, the portal takes Dolibarr's Stripe API key but never
// its webhook key: Dolibarr's setup presents STRIPE_TEST_WEBHOOK_KEY / STRIPE_LIVE_WEBHOOK_KEY as
// the signing secret of its own endpoint (public/stripe/ipn.php), and Stripe signs each endpoint's
// events with that endpoint's own secret. On a real Dolibarr schema, with the keys in llx_const as
// Dolibarr's Stripe admin page stores them: an event signed with Dolibarr's webhook key is refused
// at the portal's endpoint, one signed with the portal endpoint's own (STRIPE_WEBHOOK_SECRET)
// verifies, and the staff page says which key and webhook secret are in force.
import { expect } from 'chai';
import request from 'supertest';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { portalOnHost } from '../support/portal-on-host.ts';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';
import { dolEncrypt } from './dol-encrypt.ts';

const reason = unavailable();
const INSTANCE_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const DOLIBARR_WEBHOOK_KEY = 'whsec_DolibarrOwnIpnEndpoint0000';
const PORTAL_WEBHOOK_SECRET = 'whsec_PortalEndpointOwnSecret000';

describe('dolibarr host: the portal’s Stripe endpoint verifies with its own webhook secret', function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let stripe: StripeStandIn;
  let running: PortalOnHost;
  // The binding as the standalone server makes it, with the key Dolibarr encrypts its constants under.
  const adapter = () =>
    createDolibarrAdapter(host.db, {
      workspaceSlug: host.seed.workspaceSlug,
      actingUserId: host.seed.users.admin,
      instanceUniqueId: INSTANCE_KEY,
    });

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
    stripe = await startStripeStandIn({ webhookSecret: PORTAL_WEBHOOK_SECRET });
    const { db, seed } = host;
    // What Dolibarr's Stripe admin page stores (dolibarr_set_const, entity 1, keys encrypted).
    const settings: Record<string, string> = {
      MAIN_MODULE_STRIPE: '1',
      STRIPE_TEST_SECRET_KEY: dolEncrypt(stripe.secretKey, INSTANCE_KEY),
      STRIPE_TEST_WEBHOOK_KEY: dolEncrypt(DOLIBARR_WEBHOOK_KEY, INSTANCE_KEY),
    };
    for (const [name, value] of Object.entries(settings)) {
      await db('llx_const').where({ name, entity: 1 }).delete();
      await db('llx_const').insert({ name, entity: 1, value, type: 'chaine', visible: 0 });
    }
    running = await portalOnHost({
      db,
      databaseUrl: host.database.url,
      adapter: adapter(),
      workspaceSlug: seed.workspaceSlug,
      from: 'Atelier Lumière <portal@atelier-lumiere.example>',
      serve: true,
      // Only the portal endpoint's signing secret: the API key is Dolibarr's.
      config: { stripe: { webhookSecret: PORTAL_WEBHOOK_SECRET, apiBase: stripe.url } },
    });
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
    await db('portal_payment_settings').insert({ workspace_id: '1', online_provider: 'stripe' }).onConflict('workspace_id').merge();
    await running.portal.workspaceChanged('1');
  });
  after(async function () {
    await running?.close();
    await stripe?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('refuses an event signed with Dolibarr’s webhook key and verifies one signed with the portal endpoint’s own', async function () {
    const payload = JSON.stringify({
      id: 'evt_dolibarr_webhook_1',
      object: 'event',
      type: 'payment_intent.created',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'pi_1', object: 'payment_intent' } },
    });
    const agent = request.agent(running.url);
    const path = `/portal/${host.seed.workspaceSlug}/payments/callback/stripe`;
    const post = (secret: string) =>
      agent.post(path).set('Content-Type', 'application/json').set('Stripe-Signature', stripe.sign(payload, { secret })).send(payload);
    await post(DOLIBARR_WEBHOOK_KEY).expect(400);
    expect((await post(PORTAL_WEBHOOK_SECRET).expect(200)).body).to.deep.equal({ status: 'ignored' });
  });

  it('takes Dolibarr’s API key, with no webhook secret at all when the portal’s own is not set', async function () {
    expect(await running.portal.paymentCheck()).to.deep.equal({ refusals: [], warnings: [] });
    const bare = await portalOnHost({
      db: host.db,
      databaseUrl: host.database.url,
      adapter: adapter(),
      workspaceSlug: host.seed.workspaceSlug,
      from: 'Atelier Lumière <portal@atelier-lumiere.example>',
      config: { stripe: { apiBase: stripe.url } },
    });
    try {
      expect((await bare.portal.paymentCheck()).warnings).to.deep.equal([
        'workspace 1 chooses Stripe with keys from host but no webhook secret: set STRIPE_WEBHOOK_SECRET; no payment is recorded until then.',
      ]);
    } finally {
      await bare.close();
    }
  });
});
