// A client company's saved ways to pay and its autopay.
//   save:     the person (payments permission) opens the provider's page to save a card or accept
//             a SEPA mandate → a client_payment_setups row, then off to the provider. The
//             provider's signed event (SetupCallback) saves the method once per event key, the
//             company's default when it has none, logged `payment_method.added`.
//   default:  the method autopay charges; one per company (a partial unique index).
//   remove:   at the provider first (it can never be charged again), then here; the newest other
//             method becomes the default; with none left autopay switches off.
//   autopay:  switched on with the consent text as the person read it, its version, who, when
//             and from where; charged by the autopay job (autopay/job.ts).
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { insertActivity, type PaymentProvider, type PortalLogger, type RequestMeta, type SetupCallback } from '../../../core/index.ts';
import { claimCallback, findPaymentSettings, setCallbackOutcome, type PaymentSettings } from '../payments/queries.ts';
import { type CallbackResult, type PayingClient, payingClientActivity } from '../payments/service.ts';
import {
  customerOf,
  endSetup,
  findAutopay,
  findSetup,
  insertMethod,
  insertSetup,
  listMethods,
  lockClientMethods,
  lockMethod,
  lockSetupForEvent,
  removeMethodRow,
  saveSetupAtProvider,
  setDefaultMethod,
  switchAutopayOff,
  switchAutopayOn,
} from './queries.ts';

/** The consent's version: a new text gets a new version, and people who accepted an older one keep it on record. */
export const AUTOPAY_CONSENT_VERSION = '2026-11';

export interface PaymentMethodsDeps {
  db: Knex;
  providers: PaymentProvider[];
  now: () => Date;
  logger?: PortalLogger;
  afterActivity?: () => void;
}

export function createPaymentMethodsService(deps: PaymentMethodsDeps) {
  const { db, now } = deps;
  const byId = new Map(deps.providers.map((provider) => [provider.id, provider]));
  const scope = (client: PayingClient) => ({ workspaceId: client.workspaceId, clientId: client.clientId });

  /** The provider that saves methods for this workspace, when the agency allows autopay; else null. */
  function savingProvider(settings: PaymentSettings): PaymentProvider | null {
    if (!settings.autopayAllowed) return null;
    const provider = byId.get(settings.onlineProvider);
    return provider?.createSetup && provider.chargeSaved ? provider : null;
  }

  return {
    savingProvider,
    settings: (workspaceId: string) => findPaymentSettings(db, workspaceId),

    /** What the page shows: the methods and autopay. */
    async page(client: PayingClient) {
      const [methods, autopay] = await Promise.all([listMethods(db, scope(client)), findAutopay(db, scope(client))]);
      return { methods, autopay };
    },

    /** Opens the page of the provider that saves this workspace's methods (savingProvider's answer). */
    async startSetup(
      client: PayingClient,
      provider: PaymentProvider,
      request: { portalBase: string; returnUrl: string; locale: string; customerName: string; currency: string; appUrl: string },
    ): Promise<{ redirectUrl: string } | { error: 'not_offered' | 'provider_unavailable' }> {
      if (!provider.createSetup) return { error: 'not_offered' };
      if ((await provider.unavailable?.(client.workspaceId)) != null) return { error: 'provider_unavailable' };
      const setupId = randomUUID();
      await insertSetup(db, { id: setupId, ...scope(client), clientUserId: client.clientUserId, provider: provider.id });
      try {
        const setup = await provider.createSetup({
          setupId,
          workspaceId: client.workspaceId,
          customerId: await customerOf(db, { ...scope(client), provider: provider.id }),
          customerName: request.customerName,
          customerEmail: client.email,
          kinds: request.currency === 'EUR' ? ['card', 'sepa_debit'] : ['card'],
          currency: request.currency,
          returnUrl: `${request.returnUrl}?setup=${setupId}`,
          portalBase: request.portalBase,
          appUrl: request.appUrl,
          locale: request.locale,
        });
        await saveSetupAtProvider(db, {
          workspaceId: client.workspaceId,
          id: setupId,
          customerId: setup.customerId,
          providerSetupId: setup.providerSetupId ?? null,
        });
        return { redirectUrl: setup.redirectUrl };
      } catch (err) {
        deps.logger?.error(`payment provider ${provider.id} could not open a page to save a method`, err);
        return { error: 'provider_unavailable' };
      }
    },

    /** A company's own setup (the demo page, the page the client returns to). */
    setup: (client: PayingClient, setupId: string) => findSetup(db, { ...scope(client), id: setupId }),

    /** The provider's event that a setup ended: the method saved once per event. */
    async complete(workspaceId: string, provider: PaymentProvider, event: SetupCallback, meta: RequestMeta): Promise<CallbackResult> {
      const result = await db.transaction(async (trx): Promise<CallbackResult> => {
        const fresh = await claimCallback(trx, {
          workspaceId,
          provider: provider.id,
          idempotencyKey: event.idempotencyKey,
          paymentId: event.setupId,
          outcome: 'refused',
        });
        if (!fresh) return { outcome: 'duplicate' };
        const setup = await lockSetupForEvent(trx, { workspaceId, provider: provider.id, id: event.setupId });
        if (setup?.status !== 'open') return { outcome: 'refused', reason: setup ? `setup already ${setup.status}` : 'unknown setup' };
        const client = { workspaceId, clientId: setup.client_id };
        await lockClientMethods(trx, client);
        const at = now();
        if (event.outcome === 'cancelled' || !event.method) {
          await endSetup(trx, { workspaceId, id: setup.id, status: 'cancelled', paymentMethodId: null, customerId: event.customerId, at });
          await setCallbackOutcome(trx, { workspaceId, provider: provider.id, idempotencyKey: event.idempotencyKey, outcome: 'cancelled' });
          return { outcome: 'cancelled' };
        }
        const methodId = await insertMethod(trx, {
          ...client,
          id: randomUUID(),
          provider: provider.id,
          customerId: event.customerId,
          method: event.method,
          addedBy: setup.client_user_id,
          at,
        });
        await endSetup(trx, { workspaceId, id: setup.id, status: 'saved', paymentMethodId: methodId, customerId: event.customerId, at });
        await setCallbackOutcome(trx, { workspaceId, provider: provider.id, idempotencyKey: event.idempotencyKey, outcome: 'recorded' });
        await insertActivity(trx, {
          workspaceId,
          event: 'payment_method.added',
          clientUserId: setup.client_user_id,
          clientId: setup.client_id,
          details: { paymentMethodId: methodId, kind: event.method.kind, last4: event.method.last4, provider: provider.id },
          ip: meta.ip,
          userAgent: meta.userAgent,
        });
        return { outcome: 'saved', paymentMethodId: methodId };
      });
      if (result.outcome === 'saved') deps.afterActivity?.();
      return result;
    },

    async setDefault(client: PayingClient, methodId: string, meta: RequestMeta): Promise<'done' | 'not_found'> {
      return db.transaction(async (trx) => {
        await lockClientMethods(trx, scope(client));
        const method = await lockMethod(trx, { ...scope(client), id: methodId });
        if (!method) return 'not_found';
        if (method.is_default) return 'done';
        await setDefaultMethod(trx, { ...scope(client), id: methodId });
        await insertActivity(
          trx,
          payingClientActivity(client, 'payment_method.default_changed', { paymentMethodId: methodId, last4: method.last4 }, meta),
        );
        return 'done';
      });
    },

    /** Removed at the provider first, so a method shown as removed can never be charged. */
    async remove(client: PayingClient, methodId: string, meta: RequestMeta): Promise<'removed' | 'not_found' | 'provider_unavailable'> {
      const method = (await listMethods(db, scope(client))).find((row) => row.id === methodId);
      if (!method) return 'not_found';
      try {
        await byId.get(method.provider)?.removeMethod?.({
          workspaceId: client.workspaceId,
          customerId: method.customer_id,
          providerMethodId: method.provider_method_id,
        });
      } catch (err) {
        deps.logger?.error(`payment provider ${method.provider} could not remove method ${method.id}`, err);
        return 'provider_unavailable';
      }
      const result = await db.transaction(async (trx) => {
        await lockClientMethods(trx, scope(client));
        if (!(await lockMethod(trx, { ...scope(client), id: methodId }))) return 'not_found' as const;
        const nextDefault = await removeMethodRow(trx, { ...scope(client), id: methodId, at: now() });
        await insertActivity(
          trx,
          payingClientActivity(client, 'payment_method.removed', { paymentMethodId: methodId, last4: method.last4 }, meta),
        );
        // Nothing left to charge: autopay cannot go on, and the client is told on the page.
        if (!nextDefault && (await switchAutopayOff(trx, { ...scope(client), clientUserId: client.clientUserId, at: now() })))
          await insertActivity(trx, payingClientActivity(client, 'autopay.switched_off', { reason: 'no_method_left' }, meta));
        return 'removed' as const;
      });
      deps.afterActivity?.();
      return result;
    },

    async switchOn(
      client: PayingClient,
      input: { chargeOn: 'issue' | 'due'; consentText: string },
      meta: RequestMeta,
    ): Promise<'on' | 'no_method'> {
      const result = await db.transaction(async (trx) => {
        await lockClientMethods(trx, scope(client));
        const methods = await listMethods(trx, scope(client));
        if (!methods.some((method) => method.is_default)) return 'no_method' as const;
        await switchAutopayOn(trx, {
          ...scope(client),
          chargeOn: input.chargeOn,
          consentVersion: AUTOPAY_CONSENT_VERSION,
          consentText: input.consentText,
          clientUserId: client.clientUserId,
          email: client.email,
          at: now(),
          ip: meta.ip ?? null,
          userAgent: meta.userAgent ?? null,
        });
        await insertActivity(
          trx,
          payingClientActivity(client, 'autopay.switched_on', { chargeOn: input.chargeOn, consentVersion: AUTOPAY_CONSENT_VERSION }, meta),
        );
        return 'on' as const;
      });
      if (result === 'on') deps.afterActivity?.();
      return result;
    },

    async switchOff(client: PayingClient, meta: RequestMeta): Promise<void> {
      const changed = await db.transaction(async (trx) => {
        await lockClientMethods(trx, scope(client));
        const off = await switchAutopayOff(trx, { ...scope(client), clientUserId: client.clientUserId, at: now() });
        if (off) await insertActivity(trx, payingClientActivity(client, 'autopay.switched_off', { reason: 'client' }, meta));
        return off;
      });
      if (changed) deps.afterActivity?.();
    },
  };
}

export type PaymentMethodsService = ReturnType<typeof createPaymentMethodsService>;
