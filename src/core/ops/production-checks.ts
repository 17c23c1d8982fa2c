// The start-up check of the configuration: every setting that makes the app unsafe to run, found
// in one pass so an operator sees them all at once instead of fixing one and meeting the next.
//   refusals: the app must not start (missing or too short secrets, no mail server in production,
//             a value that cannot be read). Start-up prints them together and exits non-zero.
//   warnings: it starts, but something is weaker than it should be in production (the demo payment
//             provider switched on, links over plain http, a proxy trusted blindly). Logged once,
//             as one list.
// Messages name the environment variable (the reference CRM's, documented in the README) and say
// why, each on one line.
import { estimatedSecretBits, GENERATE_SECRET, MIN_SECRET_BITS } from '../crypto/secret-strength.ts';

export interface StartupSettings {
  /** NODE_ENV=production. */
  production: boolean;
  sessionSecret?: string | undefined;
  previousSessionSecrets?: readonly string[] | undefined;
  /** PAYMENT_KEYS_SECRET: seals the workspaces' own Stripe keys; unset, SESSION_SECRET does. */
  paymentKeysSecret?: string | undefined;
  /** PAYMENT_KEYS_SECRET_PREVIOUS: older ones, still opening keys sealed under them during a rotation. */
  previousPaymentKeysSecrets?: readonly string[] | undefined;
  smtpUrl?: string | undefined;
  /** PAYMENTS_DEMO_PROVIDER as given ('on', 'off'), or a boolean from code; unset → on outside production. */
  demoPaymentProvider?: boolean | string | undefined;
  appUrl?: string | undefined;
  trustProxy?: boolean | number | string | undefined;
  databaseUrl?: string | undefined;
  metricsToken?: string | undefined;
  /**
   * The host keeps a Stripe API key (Dolibarr's Stripe module): STRIPE_WEBHOOK_SECRET alone is then
   * the portal endpoint's signing secret beside the host's key.
   */
  hostKeepsStripeKeys?: boolean | undefined;
  /** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE. */
  stripe?: { secretKey?: string | undefined; webhookSecret?: string | undefined; apiBase?: string | undefined } | undefined;
}

export interface StartupCheck {
  refusals: string[];
  warnings: string[];
}

const MIN_SECRET = 32;
const MIN_METRICS_TOKEN = 16;

/** Whether the demo payment provider is registered: as asked ('on'/'off'), else only outside production. */
export function demoPaymentProviderOn(settings: Pick<StartupSettings, 'production' | 'demoPaymentProvider'>): boolean {
  const value = settings.demoPaymentProvider;
  if (typeof value === 'boolean') return value;
  if (value === 'on') return true;
  if (value === 'off') return false;
  return !settings.production;
}

export function checkStartupSettings(settings: StartupSettings): StartupCheck {
  const refusals: string[] = [];
  const warnings: string[] = [];
  const { production } = settings;

  checkSecrets(settings, refusals, warnings);
  if (production && !settings.smtpUrl) {
    refusals.push(
      'SMTP_URL is required in production: without it no email is delivered and sign-in codes and reset links are printed to the console.',
    );
  }

  const demo = settings.demoPaymentProvider;
  if (typeof demo === 'string' && demo !== 'on' && demo !== 'off') {
    refusals.push(`PAYMENTS_DEMO_PROVIDER must be on or off (unset: on outside production, off in production).`);
  } else if (production && demoPaymentProviderOn(settings)) {
    warnings.push(
      'PAYMENTS_DEMO_PROVIDER=on: the demo payment provider exists in production; a workspace that chooses it lets clients mark invoices paid with no money moved.',
    );
  }

  checkStripe(settings, refusals, warnings);

  if (settings.appUrl !== undefined) {
    let protocol: string | null = null;
    try {
      protocol = new URL(settings.appUrl).protocol;
    } catch {
      refusals.push('APP_URL is not a valid URL (e.g. https://crm.example.com): emailed links are built from it.');
    }
    if (production && protocol !== null && protocol !== 'https:') {
      warnings.push('APP_URL is not https: the sign-in and reset links emailed to clients would send them to a plain-http page.');
    }
  } else if (production) {
    warnings.push('APP_URL is unset: links in emails point at http://localhost and do not work for clients.');
  }

  if (production && settings.trustProxy === true) {
    warnings.push(
      'TRUST_PROXY=true trusts X-Forwarded-For and X-Forwarded-Proto from anyone: a client can forge its address (rate limits, logs); name the proxies (a hop count or addresses) instead.',
    );
  }
  if (production && !settings.databaseUrl) {
    warnings.push(
      'DATABASE_URL is unset: the embedded database is for development (one session at a time, one instance, data in a local folder).',
    );
  }
  if (settings.metricsToken !== undefined && settings.metricsToken.length < MIN_METRICS_TOKEN) {
    warnings.push(
      `METRICS_TOKEN is shorter than ${MIN_METRICS_TOKEN} characters: /metrics is only as private as the token is hard to guess.`,
    );
  }
  return { refusals, warnings };
}

/**
 * The server's secrets: present and long enough, and in production random-looking enough (a long
 * run of one character is as guessable as a short secret). Previous secrets are only held to the
 * length: one that was weak must still be accepted while a rotation moves away from it.
 */
function checkSecrets(settings: StartupSettings, refusals: string[], warnings: string[]): void {
  const { production, sessionSecret, paymentKeysSecret } = settings;
  const weak = (secret: string) => production && estimatedSecretBits(secret) < MIN_SECRET_BITS;
  const generate = `generate one with ${GENERATE_SECRET}`;
  if (production && !sessionSecret) {
    refusals.push(
      `SESSION_SECRET is required in production (at least ${MIN_SECRET} characters): it signs cookies and keys code hashes and two-factor secrets; a generated one would sign everyone out on each restart.`,
    );
  } else if (sessionSecret !== undefined && sessionSecret.length < MIN_SECRET) {
    refusals.push(
      `SESSION_SECRET must be at least ${MIN_SECRET} characters: a short secret can be guessed offline from one signed cookie.`,
    );
  } else if (sessionSecret !== undefined && weak(sessionSecret)) {
    refusals.push(
      `SESSION_SECRET is too predictable (about ${estimatedSecretBits(sessionSecret)} bits, at least ${MIN_SECRET_BITS} needed: too few different characters for its length); ${generate}.`,
    );
  }
  if ((settings.previousSessionSecrets ?? []).some((secret) => secret.length < MIN_SECRET)) {
    refusals.push(
      `SESSION_SECRET_PREVIOUS: each secret must be at least ${MIN_SECRET} characters, like SESSION_SECRET (cookies signed with it are still accepted).`,
    );
  }
  if (paymentKeysSecret !== undefined) {
    if (paymentKeysSecret.length < MIN_SECRET)
      refusals.push(`PAYMENT_KEYS_SECRET must be at least ${MIN_SECRET} characters: it is the key to every workspace's Stripe keys.`);
    else if (weak(paymentKeysSecret))
      refusals.push(
        `PAYMENT_KEYS_SECRET is too predictable (about ${estimatedSecretBits(paymentKeysSecret)} bits, at least ${MIN_SECRET_BITS} needed); ${generate}.`,
      );
    else if (production && paymentKeysSecret === sessionSecret)
      refusals.push('PAYMENT_KEYS_SECRET must differ from SESSION_SECRET: a key of its own is what lets the session secret change alone.');
  } else if (production) {
    // Not refused: an installation upgraded from before PAYMENT_KEYS_SECRET existed keeps working
    // exactly as it did. The risk it keeps is named instead.
    warnings.push(
      `PAYMENT_KEYS_SECRET is unset: the workspaces' own Stripe keys are sealed under SESSION_SECRET, so changing SESSION_SECRET without keeping the old one in SESSION_SECRET_PREVIOUS stops their online payments; ${generate} (docs/configuration.md).`,
    );
  }
  if ((settings.previousPaymentKeysSecrets ?? []).some((secret) => secret.length < MIN_SECRET)) {
    refusals.push(`PAYMENT_KEYS_SECRET_PREVIOUS: each secret must be at least ${MIN_SECRET} characters, like PAYMENT_KEYS_SECRET.`);
  }
}

/**
 * Stripe for the whole installation: a key without its webhook secret takes money whose events can
 * never be verified (so no payment is ever recorded); each names the variable that is missing.
 */
function checkStripe(settings: StartupSettings, refusals: string[], warnings: string[]): void {
  const { secretKey, webhookSecret, apiBase } = settings.stripe ?? {};
  if (secretKey && !webhookSecret)
    refusals.push(
      "STRIPE_WEBHOOK_SECRET is missing: STRIPE_SECRET_KEY is set, but without the webhook endpoint's signing secret (whsec_…) no Stripe event can be verified and no payment would be recorded.",
    );
  if (webhookSecret && !secretKey && !settings.hostKeepsStripeKeys)
    refusals.push(
      'STRIPE_SECRET_KEY is missing: STRIPE_WEBHOOK_SECRET is set, but without the secret key (sk_… or rk_…) no checkout can be opened.',
    );
  if (secretKey && !/^(sk|rk)_(test|live)_\w+$/.test(secretKey))
    refusals.push(
      'STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_live_…, sk_test_…, rk_…), not a publishable key (pk_…).',
    );
  if (webhookSecret && !webhookSecret.startsWith('whsec_'))
    refusals.push("STRIPE_WEBHOOK_SECRET must be the webhook endpoint's signing secret (whsec_…).");
  if (apiBase !== undefined) {
    if (!URL.canParse(apiBase)) refusals.push('STRIPE_API_BASE is not a valid URL (e.g. http://127.0.0.1:12111 for stripe-mock).');
    else if (settings.production)
      warnings.push(`STRIPE_API_BASE=${apiBase}: Stripe's API calls go there instead of Stripe; for development and tests only.`);
  }
  if (settings.production && secretKey?.includes('_test_'))
    warnings.push('STRIPE_SECRET_KEY is a test-mode key in production: checkouts take no real money.');
}

/** Thrown by start-up when there are refusals: its message lists each one on a line of its own. */
export class StartupRefused extends Error {
  constructor(readonly refusals: string[]) {
    super(
      `${refusals.length === 1 ? 'one setting must be fixed' : `${refusals.length} settings must be fixed`} first:\n${refusals.map((line) => `  - ${line}`).join('\n')}`,
    );
    this.name = 'StartupRefused';
  }
}
