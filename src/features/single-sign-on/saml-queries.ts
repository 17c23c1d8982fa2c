// SQL of SAML sign-in: a provider's SAML settings, the workspace's service-provider key pair, the
// AuthnRequests awaiting their answer and the assertions already accepted. Every statement names
// its workspace.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface SamlSettingsRow {
  provider_id: string;
  idp_entity_id: string;
  sso_url: string;
  signing_certificates: string[];
  metadata_url: string | null;
  metadata_xml: string | null;
  want_assertions_signed: boolean;
  allow_idp_initiated: boolean;
  email_attribute: string;
}

const SETTINGS_COLUMNS = [
  'provider_id',
  'idp_entity_id',
  'sso_url',
  'signing_certificates',
  'metadata_url',
  'metadata_xml',
  'want_assertions_signed',
  'allow_idp_initiated',
  'email_attribute',
] as const;

export async function findSamlSettings(db: Db, workspaceId: string, providerId: string): Promise<SamlSettingsRow | null> {
  const row = await db('portal_sso_saml_settings').where({ workspace_id: workspaceId, provider_id: providerId }).first(SETTINGS_COLUMNS);
  return (row as SamlSettingsRow | undefined) ?? null;
}

/** The enabled SAML providers of a workspace naming this entity id as their identity provider (an unsolicited response says only that). */
export async function samlProvidersByEntityId(db: Db, workspaceId: string, entityId: string): Promise<string[]> {
  const rows = await db('portal_sso_saml_settings as s')
    .join('portal_sso_providers as p', function () {
      this.on('p.workspace_id', 's.workspace_id').andOn('p.id', 's.provider_id');
    })
    .where({ 's.workspace_id': workspaceId, 'p.workspace_id': workspaceId, 's.idp_entity_id': entityId, 'p.enabled': true })
    .orderBy('p.id')
    .select('s.provider_id');
  return rows.map((row: { provider_id: string }) => row.provider_id);
}

export async function saveSamlSettings(db: Db, workspaceId: string, settings: SamlSettingsRow): Promise<void> {
  await db('portal_sso_saml_settings')
    .insert({ workspace_id: workspaceId, ...settings })
    .onConflict(['workspace_id', 'provider_id'])
    .merge(SETTINGS_COLUMNS.filter((column) => column !== 'provider_id'));
}

export interface SamlKeyRow {
  certificate: string;
  private_key_sealed: string;
}

export async function findSamlKey(db: Db, workspaceId: string): Promise<SamlKeyRow | null> {
  const row = await db('portal_sso_saml_keys').where({ workspace_id: workspaceId }).first('certificate', 'private_key_sealed');
  return (row as SamlKeyRow | undefined) ?? null;
}

/** A new certificate for the workspace's key (the key stays): for one stored that cannot be read. */
export async function replaceSamlCertificate(db: Db, workspaceId: string, certificate: string): Promise<void> {
  await db('portal_sso_saml_keys').where({ workspace_id: workspaceId }).update({ certificate });
}

/** The first key pair made for a workspace stays: two made at once, the later one is dropped. */
export async function insertSamlKey(db: Db, workspaceId: string, key: SamlKeyRow): Promise<void> {
  await db('portal_sso_saml_keys')
    .insert({ workspace_id: workspaceId, ...key })
    .onConflict('workspace_id')
    .ignore();
}

export async function insertSamlRequest(
  db: Db,
  workspaceId: string,
  request: { requestId: string; providerId: string; acsUrl: string; next: string | null; expiresAt: Date },
): Promise<void> {
  await db('portal_sso_saml_requests').insert({
    workspace_id: workspaceId,
    request_id: request.requestId,
    provider_id: request.providerId,
    acs_url: request.acsUrl,
    next: request.next,
    expires_at: request.expiresAt,
  });
}

export interface SamlRequestRow {
  provider_id: string;
  /** The consumer service the request asked the answer to be posted to; null for one sent before requests kept it. */
  acs_url: string | null;
  next: string | null;
}

/** Takes the request an answer is in response to, once: the first answer removes it. */
export async function takeSamlRequest(db: Db, workspaceId: string, requestId: string, now: Date): Promise<SamlRequestRow | null> {
  const [row] = await db('portal_sso_saml_requests')
    .where({ workspace_id: workspaceId, request_id: requestId })
    .where('expires_at', '>', now)
    .delete()
    .returning(['provider_id', 'acs_url', 'next']);
  return (row as SamlRequestRow | undefined) ?? null;
}

/** Records an assertion as used; false when it already was (a replay). The unique key decides between racing posts. */
export async function consumeAssertion(db: Db, workspaceId: string, assertionId: string, expiresAt: Date): Promise<boolean> {
  const inserted = await db('portal_sso_saml_assertions')
    .insert({ workspace_id: workspaceId, assertion_id: assertionId, expires_at: expiresAt })
    .onConflict(['workspace_id', 'assertion_id'])
    .ignore()
    .returning('assertion_id');
  return inserted.length === 1;
}

/** Hands the sign-in of an accepted assertion to the portal page that completes it (see handlers). */
export async function setHandoff(
  db: Db,
  workspaceId: string,
  assertionId: string,
  handoff: { hash: string; providerId: string; requestId: string | null; clientUserId: string; next: string | null },
): Promise<void> {
  await db('portal_sso_saml_assertions').where({ workspace_id: workspaceId, assertion_id: assertionId }).update({
    handoff_hash: handoff.hash,
    provider_id: handoff.providerId,
    request_id: handoff.requestId,
    client_user_id: handoff.clientUserId,
    next: handoff.next,
  });
}

export interface HandoffRow {
  provider_id: string;
  request_id: string | null;
  client_user_id: string;
  next: string | null;
}

/** Takes a handed-on sign-in once, while its assertion lasts; the row stays (its id still refuses replays). */
export async function takeHandoff(db: Db, workspaceId: string, hash: string, now: Date): Promise<HandoffRow | null> {
  const [row] = await db('portal_sso_saml_assertions')
    .where({ workspace_id: workspaceId, handoff_hash: hash })
    .whereNotNull('client_user_id')
    .where('expires_at', '>', now)
    .update({ handoff_hash: null })
    .returning(['provider_id', 'request_id', 'client_user_id', 'next']);
  return (row as HandoffRow | undefined) ?? null;
}

/** Drops what has expired: requests never answered, assertion ids past their end. */
export async function pruneSaml(db: Db, workspaceId: string, now: Date): Promise<void> {
  await db('portal_sso_saml_requests').where({ workspace_id: workspaceId }).where('expires_at', '<', now).delete();
  await db('portal_sso_saml_assertions').where({ workspace_id: workspaceId }).where('expires_at', '<', now).delete();
}

export function deletePersonHandoffs(db: Db, workspaceId: string, clientUserId: string) {
  return db('portal_sso_saml_assertions').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}
