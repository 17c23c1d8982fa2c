// The workspace's identity providers and company bindings, as staff keep them and as a sign-in
// reads them. A provider's client secret is sealed before it is written (bound to the workspace and
// the provider's id, so a sealed value copied onto another row opens nowhere) and opened only to
// talk to the provider; no page ever shows it.
// What every sign-in page and every password or code sign-in asks (the buttons, which companies
// sign in only through their provider) is read once per workspace and kept: dropped on every
// instance when staff change a provider or a binding (announced on the event bus), and after
// DIRECTORY_TTL_MS in any case, should an announcement be missed.

/** The changes of a workspace's providers and bindings, announced to every instance. */
const CHANGED = 'single-sign-on.changed';
const DIRECTORY_TTL_MS = 30_000;

/** A workspace's single sign-on as its sign-in pages need it. */
interface SignInDirectory {
  buttons: Array<{ id: string; displayName: string }>;
  /** The companies whose people sign in only through their provider. */
  ssoOnly: Set<string>;
}
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { createSecretBox, type EventBus, type PortalConfig } from '../../core/index.ts';
import type { OpenIdProvider } from './openid.ts';
import {
  type BindingRow,
  deleteBinding,
  findProvider,
  findProviderForDomain,
  insertProvider,
  insertSamlProvider,
  listBindings,
  listProviders,
  type ProviderFields,
  type ProviderRow,
  saveBinding,
  setProviderEnabled,
  updateProvider,
  updateSamlProvider,
} from './queries.ts';
import { saveSamlSettings, type SamlSettingsRow } from './saml-queries.ts';

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';

/** A SAML provider as the staff form gives it: its name and its settings (the provider id is the row's). */
export type SamlProviderFields = { displayName: string; spEntityId: string } & Omit<SamlSettingsRow, 'provider_id'>;

export function createProviders(deps: { db: Knex; config: Pick<PortalConfig, 'sessionSecret' | 'previousSessionSecrets'>; bus: EventBus }) {
  const { db, bus } = deps;
  const directories = new LRUCache<string, Promise<SignInDirectory>>({ max: 5000, ttl: DIRECTORY_TTL_MS });
  bus.subscribe(CHANGED, (payload) => {
    const id = (payload as { workspaceId?: unknown }).workspaceId;
    if (typeof id === 'string') directories.delete(id);
    else directories.clear();
  });
  /** Runs a change, then tells every instance's sign-in pages. */
  const changing = async <T>(workspaceId: string, change: Promise<T>): Promise<T> => {
    const result = await change;
    directories.delete(workspaceId);
    await bus.publish(CHANGED, { workspaceId });
    return result;
  };
  const loadDirectory = async (workspaceId: string): Promise<SignInDirectory> => {
    const [providers, bindings] = await Promise.all([listProviders(db, workspaceId), listBindings(db, workspaceId)]);
    const bound = new Set(bindings.map((binding) => binding.provider_id));
    return {
      buttons: providers
        .filter((provider) => provider.enabled && bound.has(provider.id))
        .map((provider) => ({ id: provider.id, displayName: provider.display_name })),
      ssoOnly: new Set(bindings.filter((binding) => binding.sign_in_mode === 'sso_only').map((binding) => binding.client_id)),
    };
  };
  const box = createSecretBox(deps.config.sessionSecret, deps.config.previousSessionSecrets, 'sso client secret v1');
  const boundTo = (workspaceId: string, providerId: string) => `${workspaceId}:${providerId}`;

  return {
    list: (workspaceId: string) => Promise.all([listProviders(db, workspaceId), listBindings(db, workspaceId)]),
    find: (workspaceId: string, id: string) => findProvider(db, workspaceId, id),

    async add(workspaceId: string, fields: ProviderFields, secret: string): Promise<string> {
      const id = randomUUID();
      await changing(workspaceId, insertProvider(db, workspaceId, id, fields, secret ? box.seal(secret, boundTo(workspaceId, id)) : null));
      return id;
    },

    /** An empty secret keeps the one saved: the form never shows it, so it cannot send it back. */
    save: (workspaceId: string, id: string, fields: ProviderFields, secret: string) =>
      changing(workspaceId, updateProvider(db, workspaceId, id, fields, secret ? box.seal(secret, boundTo(workspaceId, id)) : undefined)),

    /** A SAML provider and its settings, in one transaction; 'taken' when another provider has this identity provider. */
    async addSaml(workspaceId: string, fields: SamlProviderFields): Promise<string | 'taken'> {
      const id = randomUUID();
      const { displayName, spEntityId, ...settings } = fields;
      try {
        await changing(
          workspaceId,
          db.transaction(async (trx) => {
            await insertSamlProvider(trx, workspaceId, id, displayName, { idp: settings.idp_entity_id, sp: spEntityId });
            await saveSamlSettings(trx, workspaceId, { provider_id: id, ...settings });
          }),
        );
      } catch (err) {
        if (isUniqueViolation(err)) return 'taken';
        throw err;
      }
      return id;
    },

    /** False when there is no SAML provider of this id; 'taken' when another provider has this identity provider. */
    async saveSaml(workspaceId: string, id: string, fields: SamlProviderFields): Promise<boolean | 'taken'> {
      try {
        return await changing(
          workspaceId,
          db.transaction(async (trx) => {
            const { displayName, spEntityId: _sp, ...settings } = fields;
            if (!(await updateSamlProvider(trx, workspaceId, id, displayName, settings.idp_entity_id))) return false;
            await saveSamlSettings(trx, workspaceId, { provider_id: id, ...settings });
            return true;
          }),
        );
      } catch (err) {
        if (isUniqueViolation(err)) return 'taken';
        throw err;
      }
    },

    setEnabled: (workspaceId: string, id: string, enabled: boolean) =>
      changing(workspaceId, setProviderEnabled(db, workspaceId, id, enabled)),
    bind: (workspaceId: string, binding: BindingRow) => changing(workspaceId, saveBinding(db, workspaceId, binding)),
    unbind: (workspaceId: string, providerId: string, clientId: string) =>
      changing(workspaceId, deleteBinding(db, workspaceId, providerId, clientId)),

    /** The sign-in pages' view of the workspace, kept (see above). */
    directory(workspaceId: string): Promise<SignInDirectory> {
      const cached = directories.get(workspaceId);
      if (cached) return cached;
      const loading = loadDirectory(workspaceId);
      directories.set(workspaceId, loading);
      loading.catch(() => directories.delete(workspaceId));
      return loading;
    },
    forDomain: (workspaceId: string, domain: string) => findProviderForDomain(db, workspaceId, domain),

    /** The provider as the protocol needs it; null when its secret cannot be opened (sealed under a key no longer known). */
    openIdProvider(row: ProviderRow): OpenIdProvider | null {
      const opened = row.client_secret_sealed ? box.open(row.client_secret_sealed, boundTo(row.workspace_id, row.id)) : null;
      if (row.client_secret_sealed && !opened) return null;
      return {
        workspaceId: row.workspace_id,
        id: row.id,
        issuerUrl: row.issuer_url,
        clientId: row.client_id,
        clientSecret: opened?.plain ?? null,
        scopes: row.scopes,
        version: new Date(row.updated_at).toISOString(),
      };
    },
  };
}

export type Providers = ReturnType<typeof createProviders>;
