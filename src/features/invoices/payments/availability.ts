// Whether a workspace's clients have a way to pay at all, given the providers registered on this
// instance. A workspace's stored provider may name one this instance does not have: 'demo' where
// the demo provider is off (production), or a provider the host stopped passing. Such a workspace
// behaves as if online payments were off (no pay button, the pay routes 404) rather than offering
// a checkout that cannot take money, or failing with a 500.
import type { Knex } from 'knex';
import type { PortalSettings } from '../../../core/index.ts';
import { findPaymentSettings, type PaymentSettings } from './queries.ts';

/** The provider choice meaning "no online provider: bank transfer only". */
export const NO_ONLINE_PROVIDER = 'none';

/** A registered provider is chosen, or none is and there are bank transfer instructions to show. */
export function hasWayToPay(settings: PaymentSettings, registered: ReadonlySet<string>): boolean {
  if (settings.onlineProvider === NO_ONLINE_PROVIDER) return settings.bankTransferInstructions !== null;
  return registered.has(settings.onlineProvider);
}

export interface PaymentAvailability {
  /** The ids of the providers registered on this instance, in the order the admin sees them. */
  providerIds: readonly string[];
  /** True when the workspace's stored payment settings give clients a way to pay. */
  ready(workspaceId: string): Promise<boolean>;
  /**
   * The settings as they apply on this instance: `allowOnlinePayments` only where there is a way
   * to pay. The workspace cache keeps these, so every check of the switch (the pay button, the
   * pay routes, the callbacks) sees the same answer. One extra read, only with the switch on.
   */
  settingsInForce(workspaceId: string, stored: PortalSettings): Promise<PortalSettings>;
}

export function createPaymentAvailability(db: Knex, providerIds: readonly string[]): PaymentAvailability {
  const registered = new Set(providerIds);
  const ready = async (workspaceId: string) => hasWayToPay(await findPaymentSettings(db, workspaceId), registered);
  return {
    providerIds,
    ready,
    async settingsInForce(workspaceId, stored) {
      if (!stored.allowOnlinePayments || (await ready(workspaceId))) return stored;
      return { ...stored, allowOnlinePayments: false };
    },
  };
}
