// Alga PSA's contacts of active clients: not inactive, with an email (the portal signs people in
// by email). The phone shown is the contact's default number in contact_phone_numbers (Alga keeps
// several per contact), else the first by display_order.
import type { Db } from './db.ts';
import { activeClientIds, notInactive } from './db.ts';

export interface ContactRow {
  contact_name_id: string;
  client_id: string;
  client_name: string;
  full_name: string | null;
  email: string;
  phone: string | null;
  is_client_admin: boolean;
}

const PHONE_SQL = `(select n.phone_number from contact_phone_numbers n
   where n.tenant = c.tenant and n.contact_name_id = c.contact_name_id
   order by n.is_default desc, n.display_order, n.created_at limit 1)`;

export function activeContacts(db: Db, tenant: string) {
  return db('contacts as c')
    .join('clients as cl', function joinClient() {
      this.on('cl.tenant', '=', 'c.tenant').andOn('cl.client_id', '=', 'c.client_id');
    })
    .where('c.tenant', tenant)
    .whereIn('c.client_id', activeClientIds(db, tenant))
    .andWhereRaw(notInactive('c.is_inactive'))
    .whereNotNull('c.email')
    .andWhereRaw("btrim(c.email) <> ''");
}

const columns = (db: Db) => [
  'c.contact_name_id',
  'c.client_id',
  'cl.client_name',
  'c.full_name',
  'c.email',
  db.raw(`${PHONE_SQL} as phone`),
  'c.is_client_admin',
];

export async function findContact(db: Db, tenant: string, contactId: string): Promise<ContactRow | null> {
  return (await activeContacts(db, tenant).where('c.contact_name_id', contactId).first<ContactRow | undefined>(columns(db))) ?? null;
}

export async function findContactsByEmail(db: Db, tenant: string, email: string): Promise<ContactRow[]> {
  return activeContacts(db, tenant)
    .andWhereRaw('lower(btrim(c.email)) = lower(?)', [email])
    .orderBy('c.contact_name_id')
    .select<ContactRow[]>(columns(db));
}

export async function listContacts(db: Db, tenant: string, clientId?: string): Promise<ContactRow[]> {
  const query = activeContacts(db, tenant);
  if (clientId) query.where('c.client_id', clientId);
  return query.orderBy('c.full_name').orderBy('c.contact_name_id').select<ContactRow[]>(columns(db));
}

/** Name and default phone, as Alga's contact form saves them (full_name; the default number row). */
export async function updateContactProfile(
  db: Db,
  args: { tenant: string; contactId: string; fullName: string; phone: string | null },
): Promise<boolean> {
  const changed = await activeContacts(db, args.tenant).where('c.contact_name_id', args.contactId).select('c.contact_name_id');
  if (changed.length !== 1) return false;
  await db('contacts')
    .where({ tenant: args.tenant, contact_name_id: args.contactId })
    .update({ full_name: args.fullName, updated_at: db.fn.now() });
  const current = await db('contact_phone_numbers')
    .where({ tenant: args.tenant, contact_name_id: args.contactId })
    .orderBy([{ column: 'is_default', order: 'desc' }, 'display_order', 'created_at'])
    .first<{ contact_phone_number_id: string } | undefined>('contact_phone_number_id');
  if (args.phone === null) {
    if (current)
      await db('contact_phone_numbers').where({ tenant: args.tenant, contact_phone_number_id: current.contact_phone_number_id }).delete();
  } else if (current) {
    await db('contact_phone_numbers')
      .where({ tenant: args.tenant, contact_phone_number_id: current.contact_phone_number_id })
      .update({ phone_number: args.phone, updated_at: db.fn.now() });
  } else {
    await db('contact_phone_numbers').insert({
      tenant: args.tenant,
      contact_name_id: args.contactId,
      phone_number: args.phone,
      canonical_type: 'work',
      is_default: true,
      display_order: 0,
    });
  }
  return true;
}

/** The contact's email; Alga keeps (tenant, email) unique on contacts, so a taken email is refused (false). */
export async function updateContactEmail(db: Db, args: { tenant: string; contactId: string; email: string }): Promise<boolean> {
  const taken = await db('contacts')
    .where('tenant', args.tenant)
    .whereNot('contact_name_id', args.contactId)
    .andWhereRaw('lower(email) = lower(?)', [args.email])
    .first('contact_name_id');
  if (taken) return false;
  const changed = await db('contacts')
    .where({ tenant: args.tenant, contact_name_id: args.contactId })
    .whereIn('contact_name_id', activeContacts(db, args.tenant).select('c.contact_name_id'))
    .update({ email: args.email, updated_at: db.fn.now() });
  if (changed !== 1) return false;
  // The contact's client login signs in by its own users.email (and username): it follows, as
  // Alga's contact email change keeps a client user in step.
  await db('users')
    .where({ tenant: args.tenant, contact_id: args.contactId, user_type: 'client' })
    .update({ email: args.email.toLowerCase(), username: args.email.toLowerCase(), updated_at: db.fn.now() });
  return true;
}
