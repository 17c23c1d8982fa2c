// The files of approvals the portal keeps, as Alga PSA documents of the client (the client's
// Documents tab: documents associated with entity_type 'client'), written as Alga's uploadDocument
// writes a staff member's upload for a client, and the interaction a client's decision on one
// leaves on the client and its contact (the client's and the contact's Interactions). Every read
// and write is scoped by tenant and by the client being one of the tenant's active clients.
import { randomUUID } from 'node:crypto';
import { activeClientIds, associatedWithClient, type Db } from './db.ts';
import { type DocumentToFile, fileDocument } from './document-filing.ts';

/** Whether the client is one of the tenant's active clients. */
export async function activeClient(db: Db, args: { tenant: string; clientId: string }): Promise<boolean> {
  const row = await db('clients')
    .where({ tenant: args.tenant, client_id: args.clientId })
    .whereIn('client_id', activeClientIds(db, args.tenant))
    .first('client_id');
  return Boolean(row);
}

/** Whether the user is one of the tenant's internal users (Alga's staff), who may upload and own an interaction. */
export async function internalUser(db: Db, args: { tenant: string; userId: string }): Promise<boolean> {
  const row = await db('users').where({ tenant: args.tenant, user_id: args.userId, user_type: 'internal' }).first('user_id');
  return Boolean(row);
}

/** A staff member's file to share with the client (userId: Alga's upload's authenticated user). */
export type NewClientDocument = Omit<DocumentToFile, 'entityType' | 'entityId'> & { clientId: string };

/**
 * A staff member's file among the client's documents, as Alga's uploadDocument files one with a
 * clientId (packages/documents/src/actions/documentActions.ts; fileDocument: is_client_visible true,
 * see CONTEXT.md). Must run in a transaction; answers the document's id.
 */
export async function insertClientDocument(db: Db, args: NewClientDocument): Promise<string> {
  const { clientId, ...file } = args;
  return (await fileDocument(db, { ...file, entityType: 'client', entityId: clientId })).documentId;
}

export interface ClientDocumentRow {
  document_name: string;
  mime_type: string | null;
  storage_path: string;
}

/** A document of the client with a stored file (not deleted), by its id; null when it is not the client's. */
export async function findClientDocument(
  db: Db,
  args: { tenant: string; clientId: string; documentId: string },
): Promise<ClientDocumentRow | null> {
  const row = await db('documents as d')
    .join('external_files as f', function joinFile() {
      this.on('f.tenant', '=', 'd.tenant').andOn('f.file_id', '=', 'd.file_id');
    })
    .where({ 'd.tenant': args.tenant, 'd.document_id': args.documentId })
    .andWhereRaw('coalesce(f.is_deleted, false) = false')
    .whereExists(associatedWithClient(db, args))
    .first<ClientDocumentRow | undefined>('d.document_name', db.raw('coalesce(d.mime_type, f.mime_type) as mime_type'), 'f.storage_path');
  return row ?? null;
}

/** The tenant's default language (Settings > General: tenant_settings.settings.defaultLocale); null where unset. */
export async function tenantLanguage(db: Db, tenant: string): Promise<string | null> {
  const row = await db('tenant_settings')
    .where({ tenant })
    .first<{ language: string | null } | undefined>(db.raw("settings->>'defaultLocale' as language"));
  return row?.language ?? null;
}

/** The contact's id where it is a person of the client (the interaction's contact); null otherwise. */
export async function contactOfClient(db: Db, args: { tenant: string; clientId: string; contactId: string }): Promise<string | null> {
  const row = await db('contacts')
    .where({ tenant: args.tenant, client_id: args.clientId, contact_name_id: args.contactId })
    .first<{ contact_name_id: string } | undefined>('contact_name_id');
  return row?.contact_name_id ?? null;
}

export interface DecisionInteraction {
  tenant: string;
  clientId: string;
  contactId: string | null;
  /** The staff member who shared the version: the interaction's user. */
  userId: string;
  title: string;
  notes: string;
  at: Date;
}

/**
 * The decision as an interaction on the client and its contact, written as Alga writes a note it
 * records itself (recordCompletedActionInteraction, packages/opportunities): type the global
 * system type 'Note' (system_interaction_types, seeded by Alga's migrations and accepted by the
 * validate_interaction_type trigger for every tenant), the moment as interaction_date, start_time
 * and end_time, duration 0, no status, visibility 'internal'. In the caller's transaction; answers
 * the interaction's id. Alga refuses such a note where the 'Note' type is missing, and so does this.
 */
export async function insertDecisionInteraction(db: Db, args: DecisionInteraction): Promise<string> {
  const note = await db('system_interaction_types').where({ type_name: 'Note' }).first<{ type_id: string } | undefined>('type_id');
  if (!note) throw new Error("alga-psa: the system interaction type 'Note' is missing (Alga's migrations seed it)");
  const interactionId = randomUUID();
  await db('interactions').insert({
    tenant: args.tenant,
    interaction_id: interactionId,
    type_id: note.type_id,
    contact_name_id: args.contactId,
    client_id: args.clientId,
    user_id: args.userId,
    ticket_id: null,
    project_id: null,
    title: args.title,
    notes: args.notes,
    interaction_date: args.at,
    start_time: args.at,
    end_time: args.at,
    duration: 0,
    status_id: null,
    visibility: 'internal',
  });
  return interactionId;
}
