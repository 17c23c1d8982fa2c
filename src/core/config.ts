// The portal's configuration, validated once at start-up.
import { z } from 'zod';

/** The push services of Chrome and Edge on Android and desktop, Firefox, Safari and Windows. */
const PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', '.push.services.mozilla.com', '.push.apple.com', '.notify.windows.com'];

export const PortalConfigSchema = z.object({
  /** Public base URL of the host app, used in links sent by email (no trailing slash). */
  appUrl: z.url().transform((url) => url.replace(/\/+$/, '')),
  /** Where the host mounts the client router. */
  portalPath: z
    .string()
    .regex(/^\/[a-z0-9/_-]*$/i)
    .default('/portal'),
  /** Where the host mounts the admin router, inside its own settings area. */
  adminPath: z
    .string()
    .regex(/^\/[a-z0-9/_-]*$/i)
    .default('/settings/client-portal'),
  /** Where the host mounts the staff messages router (the agency's inbox), behind its staff sign-in. */
  messagesPath: z
    .string()
    .regex(/^\/[a-z0-9/_-]*$/i)
    .default('/client-messages'),
  /** Where the host mounts the staff notifications router (any staff user, not only admins). */
  notificationsPath: z
    .string()
    .regex(/^\/[a-z0-9/_-]*$/i)
    .default('/client-portal/notifications'),
  /** Signs the session cookie and keys the one-time-code HMAC. */
  sessionSecret: z.string().min(32, 'sessionSecret must be at least 32 characters'),
  /**
   * Older session secrets (SESSION_SECRET_PREVIOUS), newest first, kept while a rotation settles:
   * cookies signed with them are still accepted, two-factor secrets sealed under them still open
   * (and are sealed again under sessionSecret on their next use), codes hashed under them still
   * match. Only sessionSecret signs and seals anything new.
   */
  previousSessionSecrets: z.array(z.string().min(32, 'each previous session secret must be at least 32 characters')).default([]),
  /**
   * Seals the workspaces' own Stripe keys (PAYMENT_KEYS_SECRET), so the session secret can change
   * without locking them away. Unset, they are sealed under sessionSecret as before it existed.
   * Keys sealed under the session secrets still open, and are sealed again under this one.
   */
  paymentKeysSecret: z.string().min(32, 'paymentKeysSecret must be at least 32 characters').optional(),
  /** Older payment keys secrets (PAYMENT_KEYS_SECRET_PREVIOUS), newest first, kept while a rotation settles. */
  previousPaymentKeysSecrets: z.array(z.string().min(32, 'each previous payment keys secret must be at least 32 characters')).default([]),
  /** Secure cookies: on in production, off for http://localhost. */
  secureCookies: z.boolean().default(false),
  sessionMaxAgeHours: z
    .number()
    .int()
    .positive()
    .max(24 * 90)
    .default(24 * 14),
  /**
   * The built-in demo payment provider: a checkout page the portal serves itself that records an
   * invoice paid with no money moved. For demos and tests only, so off unless the host asks for it
   * (the reference CRM: on outside production, in production only with PAYMENTS_DEMO_PROVIDER=on).
   */
  demoPaymentProvider: z.boolean().default(false),
  /**
   * Every client page says, in a banner, that payments here are a demo. A host serving a real CRM's
   * data with the demo provider on sets it (the standalone server with PAYMENTS_DEMO_PROVIDER=on),
   * so nobody takes a demo "payment" for money received.
   */
  demoPaymentBanner: z.boolean().default(false),
  /**
   * Stripe for the whole installation (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET): one agency, one
   * Stripe account. A workspace's own keys (its payment settings) and keys the host keeps come
   * first. apiBase (STRIPE_API_BASE) points the SDK at another address: stripe-mock or a local
   * stand-in, for development and tests.
   */
  stripe: z
    .object({
      secretKey: z.string().min(1).optional(),
      webhookSecret: z.string().min(1).optional(),
      apiBase: z.url().optional(),
    })
    .default({}),
  /**
   * Live streams (SSE) one session may hold open on one instance at a time: a few tabs' worth. The
   * next is refused 429. Counted per instance, not across them (see live-streams.ts).
   */
  liveStreamsPerSession: z.number().int().positive().default(5),
  /** Live streams one IP address may hold open on one instance (an office behind one NAT has several people). */
  liveStreamsPerIp: z.number().int().positive().default(50),
  /**
   * How often every open client stream re-checks that its session still signs someone in: the
   * sign-out, password-change and disable events end streams at once; this catches what no event
   * announced (a missed NOTIFY, a session deleted by hand, one expired).
   */
  liveSessionCheckMs: z.number().int().positive().default(60_000),
  /**
   * How often every open staff stream asks the host whether its sign-in still holds
   * (StaffPort.stillSignedIn): a CRM in another process disables an account or changes its
   * password without telling the portal, so this is how soon such a stream ends. A sign-out the
   * host reports (CustomerPortal.staffSignedOut) ends it at once.
   */
  liveStaffCheckMs: z.number().int().positive().default(5_000),
  /**
   * Whether the background jobs that run once at start (BackgroundJob.atStart: the host news pass,
   * which fills the host's kept list orders) do so as soon as the migrations have run. Off, they
   * first run an interval after start: for tests that drive those passes themselves.
   */
  jobsAtStart: z.boolean().default(true),
  /** A directory for the portal's files (FILE_STORAGE_DIR); unset keeps them in PostgreSQL. */
  fileStorageDir: z.string().min(1).optional(),
  /**
   * What the files people upload through the portal (client uploads, message attachments) may add
   * up to per workspace, so one client cannot fill the agency's disk or database. 5 GiB by default.
   */
  workspaceStorageQuotaBytes: z
    .number()
    .int()
    .positive()
    .default(5 * 1024 ** 3),
  /**
   * How many days before an offer's valid-until date its client's users get a reminder email
   * (an offer valid until today is still in time). 0 sends none.
   */
  offerReminderDays: z.number().int().min(0).max(60).default(3),
  /**
   * Web Push for the installed portal. The VAPID key pair (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY,
   * base64url, as `web-push generate-vapid-keys` prints them) serves every workspace; without it
   * each workspace gets a pair of its own the first time it needs one, kept sealed in the database.
   * The subject (VAPID_SUBJECT, a mailto: or https: URL) is who the push services may contact.
   * Subscriptions are taken only for push services at `endpointHosts` (a leading dot: any host
   * under it; `host:port` names a port other than the scheme's own, which is refused otherwise),
   * over https unless `allowHttpEndpoints` (a local push service in development and tests): the
   * portal posts to the address a browser gives it, so it must not be any address.
   */
  webPush: z
    .object({
      publicKey: z
        .string()
        .regex(/^[A-Za-z0-9_-]{80,100}$/, 'VAPID_PUBLIC_KEY must be a base64url P-256 public key')
        .optional(),
      privateKey: z
        .string()
        .regex(/^[A-Za-z0-9_-]{40,50}$/, 'VAPID_PRIVATE_KEY must be a base64url P-256 private key')
        .optional(),
      subject: z
        .string()
        .regex(/^(mailto:|https:\/\/)\S+$/, 'VAPID_SUBJECT must be a mailto: or https: URL')
        .optional(),
      endpointHosts: z.array(z.string().min(1)).default(PUSH_SERVICE_HOSTS),
      allowHttpEndpoints: z.boolean().default(false),
    })
    .refine(
      (value) => Boolean(value.publicKey) === Boolean(value.privateKey),
      'Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither',
    )
    .default({ endpointHosts: PUSH_SERVICE_HOSTS, allowHttpEndpoints: false }),
  /**
   * Workspaces served at an agency's own domain. `target` is the host name a domain's CNAME points
   * at (CUSTOM_DOMAIN_TARGET; unset, the host of appUrl); `resolvers` are the DNS servers the check
   * asks, `address` or `address:port` each (CUSTOM_DOMAIN_RESOLVERS, comma-separated; empty, the
   * system's own), so a check never trusts whatever cache the machine has in front of it.
   */
  customDomains: z
    .object({
      target: z
        .string()
        .regex(/^[a-z0-9.-]+$/i)
        .optional(),
      resolvers: z.array(z.string().min(1)).default([]),
    })
    .default({ resolvers: [] }),
  /**
   * Where the server may reach an identity provider (single sign-on issuers: discovery, keys,
   * tokens, userinfo). An agency admin types the issuer address, so without a limit the server
   * would request whatever address they name: its own ports, the cloud's metadata service, the
   * private network. `allowPrivateIssuers` lifts the limit (development and tests, with a provider
   * beside the portal; the hosts set it outside production); otherwise an issuer whose address is
   * not public (loopback, private, link-local, CGNAT, ...) is refused unless its host name is in
   * `allowedPrivateHosts` (SSO_ALLOWED_PRIVATE_HOSTS). `resolvers` are the DNS servers asked for an
   * issuer's addresses (SSO_RESOLVERS, `address` or `address:port`; empty, the system's resolver).
   */
  singleSignOn: z
    .object({
      allowPrivateIssuers: z.boolean().default(false),
      allowedPrivateHosts: z
        .array(
          z
            .string()
            .trim()
            .toLowerCase()
            .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.:-]+)$/, 'each SSO_ALLOWED_PRIVATE_HOSTS entry must be a host name or an IP address'),
        )
        .default([]),
      resolvers: z.array(z.string().min(1)).default([]),
    })
    .default({ allowPrivateIssuers: false, allowedPrivateHosts: [], resolvers: [] }),
});

export type PortalConfig = z.infer<typeof PortalConfigSchema>;
export type PortalConfigInput = z.input<typeof PortalConfigSchema>;

/**
 * Whether the portal runs as in production: served over HTTPS only, with secure cookies, as every
 * host sets it there (the reference CRM and the standalone server from NODE_ENV=production or
 * SECURE_COOKIES=true). The rules that are stricter in production (SCIM over HTTPS only, SAML
 * assertions signed) read this, never NODE_ENV, so the one setting the host passes decides them all.
 */
export const inProduction = (config: Pick<PortalConfig, 'secureCookies'>): boolean => config.secureCookies;

/** The current session secret, then the previous ones: what a signature or a hash may have been made with. */
export const acceptedSessionSecrets = (config: Pick<PortalConfig, 'sessionSecret' | 'previousSessionSecrets'>): string[] => [
  config.sessionSecret,
  ...config.previousSessionSecrets,
];

/**
 * The secrets a workspace's Stripe keys are sealed under: the first seals, all open. The payment
 * keys secret when set, else the session secret; the session secrets stay after it so that keys
 * sealed before PAYMENT_KEYS_SECRET was set still open (and are sealed again under it).
 */
export function paymentKeySecrets(
  config: Pick<PortalConfig, 'sessionSecret' | 'previousSessionSecrets' | 'paymentKeysSecret' | 'previousPaymentKeysSecrets'>,
): { seal: string; previous: string[] } {
  const all = [
    ...(config.paymentKeysSecret ? [config.paymentKeysSecret, ...config.previousPaymentKeysSecrets] : []),
    config.sessionSecret,
    ...config.previousSessionSecrets,
  ];
  const [seal = config.sessionSecret, ...rest] = [...new Set(all)];
  return { seal, previous: rest };
}

/** A variable holding a list, as the portal takes it: comma-separated, blanks ignored. */
function commaSeparated(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** SESSION_SECRET_PREVIOUS as the portal takes it: comma-separated, blanks ignored. */
export function previousSecretsFrom(value: string | undefined): string[] {
  return commaSeparated(value);
}

/** PAYMENT_KEYS_SECRET and PAYMENT_KEYS_SECRET_PREVIOUS as the portal takes them (blank is unset). */
export function paymentKeysSettingsFrom(env: NodeJS.ProcessEnv): { paymentKeysSecret?: string; previousPaymentKeysSecrets: string[] } {
  return {
    ...(env.PAYMENT_KEYS_SECRET ? { paymentKeysSecret: env.PAYMENT_KEYS_SECRET } : {}),
    previousPaymentKeysSecrets: previousSecretsFrom(env.PAYMENT_KEYS_SECRET_PREVIOUS),
  };
}

/** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE as the portal takes them (blank is unset). */
export function stripeSettingsFrom(env: NodeJS.ProcessEnv): { secretKey?: string; webhookSecret?: string; apiBase?: string } {
  return {
    ...(env.STRIPE_SECRET_KEY ? { secretKey: env.STRIPE_SECRET_KEY } : {}),
    ...(env.STRIPE_WEBHOOK_SECRET ? { webhookSecret: env.STRIPE_WEBHOOK_SECRET } : {}),
    ...(env.STRIPE_API_BASE ? { apiBase: env.STRIPE_API_BASE } : {}),
  };
}

/** SSO_ALLOWED_PRIVATE_HOSTS and SSO_RESOLVERS as the portal takes them: comma-separated, blanks ignored. */
export function singleSignOnSettingsFrom(env: NodeJS.ProcessEnv): { allowedPrivateHosts: string[]; resolvers: string[] } {
  return { allowedPrivateHosts: commaSeparated(env.SSO_ALLOWED_PRIVATE_HOSTS), resolvers: commaSeparated(env.SSO_RESOLVERS) };
}

/** VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT as the portal takes them (blank is unset). */
export function webPushSettingsFrom(env: NodeJS.ProcessEnv): { publicKey?: string; privateKey?: string; subject?: string } {
  return {
    ...(env.VAPID_PUBLIC_KEY ? { publicKey: env.VAPID_PUBLIC_KEY } : {}),
    ...(env.VAPID_PRIVATE_KEY ? { privateKey: env.VAPID_PRIVATE_KEY } : {}),
    ...(env.VAPID_SUBJECT ? { subject: env.VAPID_SUBJECT } : {}),
  };
}
