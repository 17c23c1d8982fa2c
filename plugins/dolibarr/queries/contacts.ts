// Contacts (llx_socpeople) of client companies. Dolibarr switches a contact off with statut = 0
// (it has no soft delete: a deleted contact is gone); a contact without an email could never be
// reached or signed in, so it is not a portal contact. The professional phone is `phone`.
import { CLIENT_CODES, clientCompanyIds, COMPANY_ACTIVE, type Db, SOCIAL_NETWORKS_REWRITTEN } from './db.ts';

/** llx_socpeople.statut: 1 enabled, 0 disabled. */
const CONTACT_ENABLED = 1;

export interface ContactRow {
  rowid: number;
  entity: number;
  fk_soc: number;
  company_name: string | null;
  firstname: string | null;
  lastname: string | null;
  email: string;
  phone: string | null;
}

const CONTACT_COLUMNS = [
  'p.rowid',
  'p.entity',
  'p.fk_soc',
  's.nom as company_name',
  'p.firstname',
  'p.lastname',
  'p.email',
  'p.phone',
] as const;

/** Enabled contacts with an email, of the entity's client companies. */
function scopedContacts(db: Db, entity: number) {
  return db('llx_socpeople as p')
    .join('llx_societe as s', function joinCompany() {
      this.on('s.rowid', '=', 'p.fk_soc').andOn('s.entity', '=', 'p.entity');
    })
    .where({ 'p.entity': entity, 'p.statut': CONTACT_ENABLED, 's.status': COMPANY_ACTIVE })
    .whereIn('s.client', CLIENT_CODES)
    .whereNotNull('p.email')
    .andWhereRaw("trim(p.email) <> ''");
}

export async function listContacts(db: Db, args: { entity: number; companyId?: number }): Promise<ContactRow[]> {
  const query = scopedContacts(db, args.entity);
  if (args.companyId !== undefined) query.where('p.fk_soc', args.companyId);
  return query.orderBy('s.nom').orderBy('p.lastname').orderBy('p.firstname').orderBy('p.rowid').select<ContactRow[]>(CONTACT_COLUMNS);
}

export async function findContact(db: Db, args: { entity: number; contactId: number }): Promise<ContactRow | null> {
  const row = await scopedContacts(db, args.entity).where('p.rowid', args.contactId).first<ContactRow | undefined>(CONTACT_COLUMNS);
  return row ?? null;
}

/** Stored emails are compared trimmed and case-folded: Dolibarr's users type them by hand. */
export async function findContactsByEmail(db: Db, args: { entity: number; email: string }): Promise<ContactRow[]> {
  return scopedContacts(db, args.entity)
    .whereRaw('lower(trim(p.email)) = lower(?)', [args.email])
    .orderBy('p.rowid')
    .select<ContactRow[]>(CONTACT_COLUMNS);
}

/**
 * What Contact::update() changes beside the edited columns when it writes back a contact it
 * fetched (it rewrites the whole row): socialnetworks json_encode()d ('[]' for none, where
 * Contact::create leaves 'null'), photo trim()med ('' for none), and fk_user_modif the user the
 * change is made as (left as it was where the portal acts as none). tms is kept by Dolibarr's
 * update trigger.
 */
function rewrittenByUpdate(db: Db, userId: number | null) {
  return {
    socialnetworks: db.raw(SOCIAL_NETWORKS_REWRITTEN),
    photo: db.raw("coalesce(trim(photo), '')"),
    ...(userId ? { fk_user_modif: userId } : {}),
  };
}

/**
 * The client's own name and phone, as Contact::update() writes them: trimmed, an empty first name
 * or phone '' (it quotes both). False when not a live contact of a client.
 */
export async function updateContactProfile(
  db: Db,
  args: { entity: number; contactId: number; firstname: string | null; lastname: string; phone: string | null; userId: number | null },
): Promise<boolean> {
  const updated = await db('llx_socpeople')
    .where({ entity: args.entity, rowid: args.contactId, statut: CONTACT_ENABLED })
    .whereIn('fk_soc', clientCompanyIds(db, args.entity))
    .update({
      firstname: args.firstname?.trim() ?? '',
      lastname: args.lastname.trim(),
      phone: args.phone?.trim() ?? '',
      ...rewrittenByUpdate(db, args.userId),
    });
  return updated > 0;
}

export async function updateContactEmail(
  db: Db,
  args: { entity: number; contactId: number; email: string; userId: number | null },
): Promise<boolean> {
  const updated = await db('llx_socpeople')
    .where({ entity: args.entity, rowid: args.contactId, statut: CONTACT_ENABLED })
    .whereIn('fk_soc', clientCompanyIds(db, args.entity))
    .update({ email: args.email.trim(), ...rewrittenByUpdate(db, args.userId) });
  return updated > 0;
}
