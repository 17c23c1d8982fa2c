// Which Stripe keys a workspace's payments use: the workspace's own (its payment settings, an
// agency with several brands), else those the host keeps (Dolibarr's Stripe module), else the
// installation's (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET). The webhook secret is always the
// portal's own endpoint's: the workspace's saved one with its own key, else STRIPE_WEBHOOK_SECRET,
// also beside a host's key (a host's webhook secret signs the events of the host's endpoint only).
// A workspace whose own keys are saved but cannot be opened (the secret they were sealed under is
// gone) gets no keys at all, only the news that they are unreadable: falling back to the host's or
// the installation's would send its clients' money to another Stripe account and refuse the
// events its own account signs.
import type { HostStripeKeysPort } from '../port.ts';

export interface StripeKeys {
  secretKey: string;
  webhookSecret: string | null;
  /** Where they came from, for the admin's page: 'workspace', 'host' or 'environment'. */
  source: 'workspace' | 'host' | 'environment';
  /** What the admin sees of the workspace's own key (sk_test_…4242); only for those. */
  hint?: string;
}

/** The workspace's own keys are saved but no known secret opens them: its online payments stop. */
export interface UnreadableKeys {
  source: 'workspace';
  unreadable: true;
  hint?: string;
}

export interface StripeKeySources {
  /** The workspace's own keys, opened from their encrypted column; null when it has none. */
  workspace(
    workspaceId: string,
  ): Promise<{ secretKey: string; webhookSecret: string | null; hint?: string } | { unreadable: true; hint?: string } | null>;
  host?: HostStripeKeysPort | undefined;
  environment: { secretKey?: string | undefined; webhookSecret?: string | undefined };
}

export type StripeKeyResolver = (workspaceId: string) => Promise<StripeKeys | UnreadableKeys | null>;

export const isUnreadable = (keys: StripeKeys | UnreadableKeys | null): keys is UnreadableKeys => keys !== null && 'unreadable' in keys;

export function stripeKeyResolver(sources: StripeKeySources): StripeKeyResolver {
  const environmentWebhook = sources.environment.webhookSecret ?? null;
  return async (workspaceId) => {
    const own = await sources.workspace(workspaceId);
    if (own && 'unreadable' in own) return { ...own, source: 'workspace' };
    if (own) return { ...own, source: 'workspace' };
    const host = await sources.host?.stripeKeys(workspaceId);
    if (host?.secretKey) return { secretKey: host.secretKey, webhookSecret: environmentWebhook, source: 'host' };
    if (sources.environment.secretKey)
      return { secretKey: sources.environment.secretKey, webhookSecret: environmentWebhook, source: 'environment' };
    return null;
  };
}
