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

/**
 * The client company a new contact is added to, with the country the "New contact" card
 * preselects from it (contact/card.php: the third party's, else the agency's; fk_pays 0 is none).
 * Null when not a client company of the entity in activity.
 */
export async function findCompanyForNewContact(
  db: Db,
  args: { entity: number; companyId: number },
): Promise<{ rowid: number; fk_pays: number | null } | null> {
  const row = await db('llx_societe')
    .where({ entity: args.entity, rowid: args.companyId, status: COMPANY_ACTIVE })
    .whereIn('client', CLIENT_CODES)
    .first<{ rowid: number; fk_pays: number | null } | undefined>('rowid', db.raw('nullif(fk_pays, 0) as fk_pays'));
  return row ?? null;
}

export interface NewContact {
  entity: number;
  companyId: number;
  firstname: string;
  lastname: string;
  email: string;
  countryId: number | null;
  userId: number | null;
}

/**
 * What insertContact writes beyond the columns a contact is read by (rowid, entity, fk_soc, the
 * names, email, phone, statut): the claims read this list.
 */
export const NEW_CONTACT_COLUMNS = [
  'datec',
  'ref_ext',
  'name_alias',
  'civility',
  'address',
  'zip',
  'town',
  'fk_departement',
  'fk_pays',
  'birthday',
  'poste',
  'phone_perso',
  'phone_mobile',
  'fax',
  'socialnetworks',
  'photo',
  'priv',
  'fk_prospectlevel',
  'fk_stcommcontact',
  'fk_user_creat',
  'fk_user_modif',
  'note_private',
  'note_public',
  'default_lang',
  'canvas',
  'import_key',
  'ip',
];

/**
 * A contact as the third party's "New contact" card leaves it with only the names and the email
 * typed in (contact/card.php action 'add', then Contact::create: its INSERT, then update() and
 * update_perso() over the same row, the triggers aside): every text input the form posts empty
 * ('', not NULL: civility, name_alias, address, zip, town, poste, the phones, fax, the notes, and
 * fk_prospectlevel, which update() quotes), ref_ext, photo, birthday, state and default language
 * NULL, socialnetworks '[]' (json_encode of none), public (priv 0), enabled (statut 1, the card's
 * default), the email lower-cased (setUpperOrLowerCase), created and last changed by the acting
 * user. tms, no_email and the geo columns keep their defaults. Returns the rowid.
 */
export async function insertContact(db: Db, contact: NewContact): Promise<number> {
  const [row] = await db('llx_socpeople')
    .insert({
      datec: db.fn.now(),
      fk_soc: contact.companyId,
      entity: contact.entity,
      ref_ext: null,
      name_alias: '',
      civility: '',
      lastname: contact.lastname,
      firstname: contact.firstname,
      address: '',
      zip: '',
      town: '',
      fk_departement: null,
      fk_pays: contact.countryId,
      birthday: null,
      poste: '',
      phone: '',
      phone_perso: '',
      phone_mobile: '',
      fax: '',
      email: contact.email.trim().toLowerCase(),
      socialnetworks: '[]',
      photo: null,
      priv: 0,
      fk_prospectlevel: '',
      fk_stcommcontact: 0,
      fk_user_creat: contact.userId,
      fk_user_modif: contact.userId,
      note_private: '',
      note_public: '',
      default_lang: null,
      canvas: null,
      import_key: null,
      statut: CONTACT_ENABLED,
      ip: null,
    })
    .returning<Array<{ rowid: number }>>('rowid');
  if (!row) throw new Error('dolibarr: insert into llx_socpeople returned no row');
  return row.rowid;
}

interface ExtraFieldRow {
  name: string;
  type: string | null;
  fieldrequired: number | null;
  fielddefault: string | null;
  enabled: string | null;
  list: string | null;
  perms: string | null;
}

/**
 * Off for a new contact's form (ExtraFields::setOptionalsFromPost): a setting Dolibarr evaluates
 * as PHP, here only where it is a plain number; an expression (a module's test) counts as on.
 */
const evaluatesOff = (value: string | null, off: number[]) =>
  value !== null && (value.trim() === '' || (/^-?\d+$/.test(value.trim()) && off.includes(Math.abs(Number(value)))));

/**
 * The extra fields the agency defined for contacts (Setup > Modules > Third parties > Contacts
 * extra attributes, llx_extrafields elementtype 'socpeople', of the entity or all entities) that
 * the "New contact" card posts: not separators, enabled, shown on the form, permitted. `row`:
 * whether Contact::create then writes a llx_socpeople_extrafields row (insertExtraFields writes one
 * as soon as the form carries a field); `required`: the fields it refuses to leave empty that have
 * no default to prefill the form with.
 */
export async function newContactExtraFields(db: Db, args: { entity: number }): Promise<{ row: boolean; required: string[] }> {
  const fields = await db('llx_extrafields')
    .where({ elementtype: 'socpeople' })
    .whereIn('entity', [0, args.entity])
    .select<ExtraFieldRow[]>('name', 'type', 'fieldrequired', 'fielddefault', 'enabled', 'list', 'perms');
  const posted = fields.filter(
    (field) =>
      field.type !== 'separate' &&
      !evaluatesOff(field.enabled, [0]) &&
      !evaluatesOff(field.list, [0, 2, 5]) &&
      !evaluatesOff(field.perms, [0]),
  );
  return {
    row: posted.length > 0,
    required: posted.filter((field) => field.fieldrequired && !field.fielddefault?.trim()).map((field) => field.name),
  };
}

/**
 * The new contact's extra fields row, as insertExtraFields writes it for a form left as it came:
 * each field its default (the form's prefilled value, which addExtraField also made the column's
 * default) or NULL.
 */
export async function insertContactExtraFields(db: Db, args: { contactId: number }): Promise<void> {
  await db('llx_socpeople_extrafields').insert({ fk_object: args.contactId });
}
