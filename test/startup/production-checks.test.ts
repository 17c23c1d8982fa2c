// The start-up configuration check (src/core/ops/production-checks.ts) without a process: which settings
// it refuses and which it warns about, in production and in development, all of them in one answer;
// and whether the demo payment provider is registered (PAYMENTS_DEMO_PROVIDER, its default by mode).
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { checkStartupSettings, demoPaymentProviderOn, StartupRefused } from '../../src/core/ops/production-checks.ts';

// Random, as `openssl rand -base64 48` makes them: production refuses predictable ones.
const SECRET = 'LjSxHDwxSA+Pw5xU6AgRmioE+gXbTebLi8g9R/GnzBSbSkoo4Vi2WmfMtQ7/YcQa';
const PAYMENT_KEYS_SECRET = 'q2Vw9XbT7nKc1RzLp4MhYs8GdJ0fAe3UtNiO5lWxEkC6rBuHgZoP+ySaD/mQvF4j';
const safeProduction = {
  production: true,
  sessionSecret: SECRET,
  paymentKeysSecret: PAYMENT_KEYS_SECRET,
  smtpUrl: 'smtp://mail.example.com:587',
  appUrl: 'https://crm.example.com',
  databaseUrl: 'postgres://db/crm',
};

describe('start-up configuration check', function () {
  it('passes a safe production configuration with nothing to say', function () {
    expect(checkStartupSettings(safeProduction)).to.deep.equal({ refusals: [], warnings: [] });
  });

  it('refuses every unsafe production setting at once, each naming its variable', function () {
    const { refusals } = checkStartupSettings({
      production: true,
      previousSessionSecrets: [SECRET, 'short'],
      demoPaymentProvider: 'yes',
      appUrl: 'not a url',
    });
    expect(refusals.map((line) => line.split(/[ :=]/)[0])).to.deep.equal([
      'SESSION_SECRET',
      'SESSION_SECRET_PREVIOUS',
      'SMTP_URL',
      'PAYMENTS_DEMO_PROVIDER',
      'APP_URL',
    ]);
    expect(checkStartupSettings({ ...safeProduction, sessionSecret: 'short' }).refusals)
      .to.have.length(1)
      .and.to.match(/SESSION_SECRET must be at least 32/);
  });

  it('refuses, in production, a long but predictable SESSION_SECRET or PAYMENT_KEYS_SECRET, saying how to make one', function () {
    const repeated = checkStartupSettings({ ...safeProduction, sessionSecret: 'a'.repeat(36) }).refusals;
    expect(repeated).to.have.length(1);
    expect(repeated[0])
      .to.match(/^SESSION_SECRET is too predictable \(about 0 bits, at least 128 needed/)
      .and.include('openssl rand -base64 48')
      .and.include('randomBytes(48)');
    // A short word padded out to length, and two characters in turn: long enough, not random enough.
    expect(checkStartupSettings({ ...safeProduction, sessionSecret: 'test-secret-'.padEnd(48, 'x') }).refusals[0]).to.match(
      /^SESSION_SECRET is too predictable/,
    );
    expect(checkStartupSettings({ ...safeProduction, sessionSecret: 'ab'.repeat(24) }).refusals[0]).to.match(
      /^SESSION_SECRET is too predictable/,
    );
    expect(checkStartupSettings({ ...safeProduction, paymentKeysSecret: 'p'.repeat(48) }).refusals[0]).to.match(
      /^PAYMENT_KEYS_SECRET is too predictable/,
    );
    expect(checkStartupSettings({ ...safeProduction, paymentKeysSecret: SECRET }).refusals[0]).to.match(
      /^PAYMENT_KEYS_SECRET must differ from SESSION_SECRET/,
    );
    // 32 random bytes in hex, as the development secret is made, passes.
    expect(checkStartupSettings({ ...safeProduction, sessionSecret: randomBytes(32).toString('hex') }).refusals).to.deep.equal([]);
    // Outside production only the length counts: the tests' and the demo's fixed secrets still start.
    expect(checkStartupSettings({ production: false, sessionSecret: 'a'.repeat(36) }).refusals).to.deep.equal([]);
  });

  it('warns, in production, that without PAYMENT_KEYS_SECRET the Stripe keys hang on SESSION_SECRET', function () {
    const { refusals, warnings } = checkStartupSettings({ ...safeProduction, paymentKeysSecret: undefined });
    expect(refusals).to.deep.equal([]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^PAYMENT_KEYS_SECRET is unset: the workspaces' own Stripe keys are sealed under SESSION_SECRET/);
    expect(checkStartupSettings({ production: false }).warnings).to.deep.equal([]);
    expect(checkStartupSettings({ production: false, paymentKeysSecret: 'short' }).refusals[0]).to.match(
      /^PAYMENT_KEYS_SECRET must be at least 32 characters/,
    );
  });

  it('warns about the demo payment provider, plain-http links, a blindly trusted proxy, the embedded database and a short metrics token', function () {
    const { refusals, warnings } = checkStartupSettings({
      ...safeProduction,
      demoPaymentProvider: 'on',
      appUrl: 'http://crm.example.com',
      trustProxy: true,
      databaseUrl: undefined,
      metricsToken: 'abc',
    });
    expect(refusals).to.deep.equal([]);
    expect(warnings.map((line) => line.split(/[ :=]/)[0])).to.deep.equal([
      'PAYMENTS_DEMO_PROVIDER',
      'APP_URL',
      'TRUST_PROXY',
      'DATABASE_URL',
      'METRICS_TOKEN',
    ]);
    expect(checkStartupSettings({ ...safeProduction, appUrl: undefined }).warnings)
      .to.have.length(1)
      .and.to.match(/^APP_URL is unset/);
  });

  it('in development asks for no secret or mail server, but still refuses short secrets and an unreadable PAYMENTS_DEMO_PROVIDER', function () {
    expect(
      checkStartupSettings({ production: false, demoPaymentProvider: 'on', appUrl: 'http://localhost:3000', trustProxy: true }),
    ).to.deep.equal({ refusals: [], warnings: [] });
    expect(
      checkStartupSettings({ production: false, previousSessionSecrets: ['short'], demoPaymentProvider: 'true' }).refusals,
    ).to.have.length(2);
  });

  it('registers the demo payment provider outside production by default, in production only when asked', function () {
    expect(demoPaymentProviderOn({ production: false })).to.equal(true);
    expect(demoPaymentProviderOn({ production: true })).to.equal(false);
    expect(demoPaymentProviderOn({ production: true, demoPaymentProvider: 'on' })).to.equal(true);
    expect(demoPaymentProviderOn({ production: false, demoPaymentProvider: 'off' })).to.equal(false);
    expect(demoPaymentProviderOn({ production: true, demoPaymentProvider: true })).to.equal(true);
  });

  it('names what Stripe lacks: the webhook secret beside a key, the key beside a webhook secret, a publishable key, a bad address', function () {
    const prod = {
      production: true,
      sessionSecret: SECRET,
      paymentKeysSecret: PAYMENT_KEYS_SECRET,
      smtpUrl: 'smtp://mail',
      appUrl: 'https://crm.example',
      databaseUrl: 'postgres://db',
    };
    expect(checkStartupSettings({ ...prod, stripe: { secretKey: 'sk_live_abc', webhookSecret: 'whsec_abc' } })).to.deep.equal({
      refusals: [],
      warnings: [],
    });
    const keyOnly = checkStartupSettings({ ...prod, stripe: { secretKey: 'sk_live_abc' } }).refusals;
    expect(keyOnly).to.have.length(1);
    expect(keyOnly[0]).to.match(/^STRIPE_WEBHOOK_SECRET is missing/);
    const secretOnly = checkStartupSettings({ ...prod, stripe: { webhookSecret: 'whsec_abc' } }).refusals;
    expect(secretOnly).to.have.length(1);
    expect(secretOnly[0]).to.match(/^STRIPE_SECRET_KEY is missing/);
    // Beside a host that keeps the API key (Dolibarr), the webhook secret is the portal endpoint's own.
    expect(checkStartupSettings({ ...prod, hostKeepsStripeKeys: true, stripe: { webhookSecret: 'whsec_abc' } }).refusals).to.deep.equal([]);
    const wrongKinds = checkStartupSettings({ ...prod, stripe: { secretKey: 'pk_live_abc', webhookSecret: 'abc', apiBase: 'not a url' } });
    expect(wrongKinds.refusals.map((line) => line.split(' ')[0])).to.deep.equal([
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'STRIPE_API_BASE',
    ]);
    const elsewhere = checkStartupSettings({
      ...prod,
      stripe: { secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc', apiBase: 'http://127.0.0.1:12111' },
    });
    expect(elsewhere.refusals).to.deep.equal([]);
    expect(elsewhere.warnings.map((line) => line.split(/[ =]/)[0])).to.deep.equal(['STRIPE_API_BASE', 'STRIPE_SECRET_KEY']);
    // In development a stand-in address and a test key are what is expected: no warning.
    expect(
      checkStartupSettings({
        production: false,
        stripe: { secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc', apiBase: 'http://127.0.0.1:12111' },
      }),
    ).to.deep.equal({ refusals: [], warnings: [] });
  });

  it('reports refusals as one message, one a line', function () {
    const error = new StartupRefused(['A is wrong.', 'B is wrong.']);
    expect(error.message).to.equal('2 settings must be fixed first:\n  - A is wrong.\n  - B is wrong.');
  });
});
