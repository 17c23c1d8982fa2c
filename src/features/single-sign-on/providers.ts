// The workspace's identity providers and company bindings, as staff keep them and as a sign-in
// reads them. A provider's client secret is sealed before it is written (bound to the workspace and
// the provider's id, so a sealed value copied onto another row opens nowhere) and opened only to
// talk to the provider; no page ever shows it.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createSecretBox, type PortalConfig } from '../../core/index.ts';
import type { OpenIdProvider } from './openid.ts';
import {
  type BindingRow,
  boundProviders,
  deleteBinding,
  findBinding,
  findProvider,
  findProviderForDomain,
  insertProvider,
  listBindings,
  listProviders,
  type ProviderFields,
  type ProviderRow,
  saveBinding,
  setProviderEnabled,
  updateProvider,
} from './queries.ts';

export function createProviders(deps: { db: Knex; config: Pick<PortalConfig, 'sessionSecret' | 'previousSessionSecrets'> }) {
  const { db } = deps;
  const box = createSecretBox(deps.config.sessionSecret, deps.config.previousSessionSecrets, 'sso client secret v1');
  const boundTo = (workspaceId: string, providerId: string) => `${workspaceId}:${providerId}`;

  return {
    list: (workspaceId: string) => Promise.all([listProviders(db, workspaceId), listBindings(db, workspaceId)]),
    find: (workspaceId: string, id: string) => findProvider(db, workspaceId, id),

    async add(workspaceId: string, fields: ProviderFields, secret: string): Promise<string> {
      const id = randomUUID();
      await insertProvider(db, workspaceId, id, fields, secret ? box.seal(secret, boundTo(workspaceId, id)) : null);
      return id;
    },

    /** An empty secret keeps the one saved: the form never shows it, so it cannot send it back. */
    save: (workspaceId: string, id: string, fields: ProviderFields, secret: string) =>
      updateProvider(db, workspaceId, id, fields, secret ? box.seal(secret, boundTo(workspaceId, id)) : undefined),

    setEnabled: (workspaceId: string, id: string, enabled: boolean) => setProviderEnabled(db, workspaceId, id, enabled),
    bind: (workspaceId: string, binding: BindingRow) => saveBinding(db, workspaceId, binding),
    unbind: (workspaceId: string, providerId: string, clientId: string) => deleteBinding(db, workspaceId, providerId, clientId),
    bindingOf: (workspaceId: string, clientId: string) => findBinding(db, workspaceId, clientId),
    buttons: (workspaceId: string) => boundProviders(db, workspaceId),
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
