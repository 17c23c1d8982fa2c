// SQL of single sign-on: the workspace's identity providers, the companies bound to them and the
// provider accounts remembered as client users. Every statement names its workspace.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface ProviderRow {
  id: string;
  workspace_id: string;
  protocol: 'oidc' | 'saml';
  display_name: string;
  issuer_url: string;
  client_id: string;
  client_secret_sealed: string | null;
  scopes: string;
  mfa_satisfies_two_factor: boolean;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface BindingRow {
  client_id: string;
  provider_id: string;
  email_domains: string[];
  sign_in_mode: 'any' | 'sso_only';
  allow_self_registration: boolean;
}

const PROVIDER_COLUMNS = [
  'id',
  'workspace_id',
  'protocol',
  'display_name',
  'issuer_url',
  'client_id',
  'client_secret_sealed',
  'scopes',
  'mfa_satisfies_two_factor',
  'enabled',
  'created_at',
  'updated_at',
] as const;
const BINDING_COLUMNS = ['client_id', 'provider_id', 'email_domains', 'sign_in_mode', 'allow_self_registration'] as const;

export async function listProviders(db: Db, workspaceId: string): Promise<ProviderRow[]> {
  return db('portal_sso_providers').where({ workspace_id: workspaceId }).orderBy(['display_name', 'id']).select(PROVIDER_COLUMNS);
}

export async function findProvider(db: Db, workspaceId: string, id: string): Promise<ProviderRow | null> {
  const row = await db('portal_sso_providers').where({ workspace_id: workspaceId, id }).first(PROVIDER_COLUMNS);
  return (row as ProviderRow | undefined) ?? null;
}

export interface ProviderFields {
  displayName: string;
  issuerUrl: string;
  clientId: string;
  scopes: string;
  mfaSatisfiesTwoFactor: boolean;
}

const providerColumns = (fields: ProviderFields) => ({
  display_name: fields.displayName,
  issuer_url: fields.issuerUrl,
  client_id: fields.clientId,
  scopes: fields.scopes,
  mfa_satisfies_two_factor: fields.mfaSatisfiesTwoFactor,
});

/** The id is chosen by the caller: the sealed secret is bound to it. */
export async function insertProvider(
  db: Db,
  workspaceId: string,
  id: string,
  fields: ProviderFields,
  sealed: string | null,
): Promise<void> {
  await db('portal_sso_providers').insert({
    workspace_id: workspaceId,
    id,
    protocol: 'oidc',
    ...providerColumns(fields),
    client_secret_sealed: sealed,
  });
}

/** `sealed` undefined keeps the secret as it is (the form's field was left empty). */
export async function updateProvider(
  db: Db,
  workspaceId: string,
  id: string,
  fields: ProviderFields,
  sealed: string | undefined,
): Promise<boolean> {
  const changed = await db('portal_sso_providers')
    .where({ workspace_id: workspaceId, id })
    .update({ ...providerColumns(fields), ...(sealed === undefined ? {} : { client_secret_sealed: sealed }), updated_at: db.fn.now() });
  return changed > 0;
}

export async function setProviderEnabled(db: Db, workspaceId: string, id: string, enabled: boolean): Promise<boolean> {
  const changed = await db('portal_sso_providers').where({ workspace_id: workspaceId, id }).update({ enabled, updated_at: db.fn.now() });
  return changed > 0;
}

export async function listBindings(db: Db, workspaceId: string): Promise<BindingRow[]> {
  return db('portal_sso_bindings').where({ workspace_id: workspaceId }).orderBy('client_id').select(BINDING_COLUMNS);
}

export async function findBinding(db: Db, workspaceId: string, clientId: string): Promise<BindingRow | null> {
  const row = await db('portal_sso_bindings').where({ workspace_id: workspaceId, client_id: clientId }).first(BINDING_COLUMNS);
  return (row as BindingRow | undefined) ?? null;
}

/** One provider per company: binding a company again moves it to this provider. */
export async function saveBinding(db: Db, workspaceId: string, binding: BindingRow): Promise<void> {
  await db('portal_sso_bindings')
    .insert({ workspace_id: workspaceId, ...binding })
    .onConflict(['workspace_id', 'client_id'])
    .merge({
      provider_id: binding.provider_id,
      email_domains: binding.email_domains,
      sign_in_mode: binding.sign_in_mode,
      allow_self_registration: binding.allow_self_registration,
      // The inserted row's own time (its default): Citus refuses a function in this update.
      updated_at: db.raw('excluded.updated_at'),
    });
}

export async function deleteBinding(db: Db, workspaceId: string, providerId: string, clientId: string): Promise<boolean> {
  return (await db('portal_sso_bindings').where({ workspace_id: workspaceId, provider_id: providerId, client_id: clientId }).delete()) > 0;
}

/** The enabled provider bound to a company that lists this email domain, if one is. */
export async function findProviderForDomain(db: Db, workspaceId: string, domain: string): Promise<ProviderRow | null> {
  const row = await db('portal_sso_providers as p')
    .join('portal_sso_bindings as b', function () {
      this.on('b.workspace_id', 'p.workspace_id').andOn('b.provider_id', 'p.id');
    })
    .where({ 'p.workspace_id': workspaceId, 'b.workspace_id': workspaceId, 'p.enabled': true })
    .whereRaw('? = any(b.email_domains)', [domain])
    .orderBy('p.id')
    .first(PROVIDER_COLUMNS.map((column) => `p.${column}`));
  return (row as ProviderRow | undefined) ?? null;
}

export async function findIdentityUser(db: Db, workspaceId: string, providerId: string, subject: string): Promise<string | null> {
  const row = await db('portal_sso_identities')
    .where({ workspace_id: workspaceId, provider_id: providerId, subject })
    .first('client_user_id');
  return (row?.client_user_id as string | undefined) ?? null;
}

/** Remembers (or refreshes) the provider account of a client user after a sign-in through it. */
export async function rememberIdentity(db: Db, workspaceId: string, providerId: string, subject: string, clientUserId: string) {
  await db('portal_sso_identities')
    .insert({ workspace_id: workspaceId, provider_id: providerId, subject, client_user_id: clientUserId })
    .onConflict(['workspace_id', 'provider_id', 'subject'])
    // The inserted row's own time (its default): Citus refuses a function in this update.
    .merge({ client_user_id: clientUserId, last_used_at: db.raw('excluded.last_used_at') });
}

export interface IdentityRow {
  provider_id: string;
  subject: string;
  created_at: Date;
  last_used_at: Date;
}

export async function personIdentities(db: Db, workspaceId: string, clientUserId: string): Promise<IdentityRow[]> {
  return db('portal_sso_identities')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('created_at')
    .select('provider_id', 'subject', 'created_at', 'last_used_at');
}

export async function deletePersonIdentities(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  return db('portal_sso_identities').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

export function countPersonIdentities(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_sso_identities').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

/**
 * A SAML provider's row: its issuer is the identity provider's entity id, its client id the
 * workspace's own entity id there (the audience); it has no secret and no scopes. Its SAML
 * settings are saved beside it, in the same transaction (providers.ts).
 */
export async function insertSamlProvider(
  db: Db,
  workspaceId: string,
  id: string,
  displayName: string,
  entityIds: { idp: string; sp: string },
) {
  await db('portal_sso_providers').insert({
    workspace_id: workspaceId,
    id,
    protocol: 'saml',
    display_name: displayName,
    issuer_url: entityIds.idp,
    client_id: entityIds.sp,
    scopes: '',
  });
}

export async function updateSamlProvider(
  db: Db,
  workspaceId: string,
  id: string,
  displayName: string,
  idpEntityId: string,
): Promise<boolean> {
  const changed = await db('portal_sso_providers')
    .where({ workspace_id: workspaceId, id, protocol: 'saml' })
    .update({ display_name: displayName, issuer_url: idpEntityId, updated_at: db.fn.now() });
  return changed > 0;
}
