// The agenda event Dolibarr's agenda trigger writes when a proposal is created, signed or refused,
// an invoice paid, a ticket opened or closed, a contact added (Contact::create), or a third party's
// or contact's details changed (Societe::update, Contact::update), where the entity's agenda setup asks for one
// (htdocs/core/triggers/interface_50_modAgenda_ActionsAuto.class.php, runTrigger), written as
// ActionComm::create writes it (htdocs/comm/action/class/actioncomm.class.php): the llx_actioncomm
// row, its ref set to its id afterwards, and the owner's llx_actioncomm_resources row. Dolibarr's
// staff see it on the proposal's, invoice's, third party's or contact's "Events" tab and in the
// agenda, as they would after the same change made in Dolibarr.
import type { Db } from './db.ts';
import { agendaRecords } from './constants.ts';

/** The triggers the portal's writes stand for. */
type AgendaTrigger =
  | 'BILL_PAYED'
  | 'PROPAL_CREATE'
  | 'PROPAL_CLOSE_SIGNED'
  | 'PROPAL_CLOSE_REFUSED'
  | 'TICKET_CREATE'
  | 'TICKET_CLOSE'
  | 'COMPANY_MODIFY'
  | 'CONTACT_CREATE'
  | 'CONTACT_MODIFY';

// The trigger's label and note, $langs->transnoentities(key, ref) of htdocs/langs/en_US/agenda.lang
// (InvoicePaidInDolibarr, PropalClosedSignedInDolibarr, PropalClosedRefusedInDolibarr,
// TICKET_CREATEInDolibarr, TICKET_CLOSEInDolibarr, COMPANY_MODIFYInDolibarr with the third
// party's name, CONTACT_CREATEInDolibarr with the contact's getFullName()). CONTACT_MODIFY's branch passes $object->name, which a fetched Contact does not
// have, so Dolibarr 23 writes "Contact  modified" (two spaces) and names the contact by fk_contact
// only. PROPAL_CREATE has no branch of its own in runTrigger: its generic branch asks for
// PROPAL_CREATEInDolibarr, then for the last word's CREATEInDolibarr, with the ref; en_US
// agenda.lang and other.lang hold neither, and Translate answers a missing key with the key
// itself, so Dolibarr 23 writes that as label and note.
const TEXT: Record<AgendaTrigger, (ref: string) => string> = {
  BILL_PAYED: (ref) => `Invoice ${ref} changed to paid`,
  PROPAL_CREATE: () => 'CREATEInDolibarr',
  PROPAL_CLOSE_SIGNED: (ref) => `Proposal ${ref} signed`,
  PROPAL_CLOSE_REFUSED: (ref) => `Proposal ${ref} refused`,
  TICKET_CREATE: (ref) => `Ticket ${ref} created`,
  TICKET_CLOSE: (ref) => `Ticket ${ref} closed`,
  COMPANY_MODIFY: (name) => `Third party ${name} modified`,
  CONTACT_CREATE: (name) => `Contact ${name} created`,
  CONTACT_MODIFY: () => 'Contact  modified',
};

/**
 * The object's element as ActionComm::create stores it: $object->element, with 'facture' renamed
 * 'invoice' there "for backward compatibility"; none for a third party or a contact, which the
 * trigger names by fk_soc and fk_contact instead ("it is a recording error" to link them).
 */
const ELEMENT_TYPE: Record<AgendaTrigger, string | null> = {
  BILL_PAYED: 'invoice',
  PROPAL_CREATE: 'propal',
  PROPAL_CLOSE_SIGNED: 'propal',
  PROPAL_CLOSE_REFUSED: 'propal',
  TICKET_CREATE: 'ticket',
  TICKET_CLOSE: 'ticket',
  COMPANY_MODIFY: null,
  CONTACT_CREATE: null,
  CONTACT_MODIFY: null,
};

export interface AgendaEventArgs {
  entity: number;
  trigger: AgendaTrigger;
  /** The proposal's, invoice's, ticket's, third party's or contact's rowid, and its ref (a third party's or new contact's name). */
  elementId: number;
  ref: string;
  /**
   * The contact the event is about (the trigger's sendtoid of one contact): fk_contact, and the
   * contact among the event's attendees (llx_actioncomm_resources 'socpeople').
   */
  contactId?: number | null;
  /** Its fk_soc and fk_projet. */
  companyId: number;
  projectId: number | null;
  /** The user the trigger runs as: author and owner of the event; null or 0 for none. */
  userId: number | null;
  /** The moment of the change (dol_now() in the trigger): datep and datep2. */
  at: Date | null;
  /**
   * The trigger copies the object's email_from onto the event (runTrigger: "$actioncomm->email_from
   * = $object->email_from"); public/ticket/create_ticket.php sets it to the requester's email.
   */
  emailFrom?: string | null;
  /** The address the change came from (ActionComm::create writes $this->ip), where known. */
  ip?: string | null;
  /**
   * The object's context['actionmsgmore'], which runTrigger adds to the note on a line of its own
   * (dol_concatdesc): Paiement::create says there which payment closed the invoice.
   */
  more?: string | null;
}

/**
 * An event's label as ActionComm::create cleans it: dol_trunc(trim($this->label), 128), which cuts a
 * label longer than 129 characters to 128 and appends '…'.
 */
export function agendaLabel(label: string): string {
  const chars = [...label.trim()];
  return chars.length > 129 ? `${chars.slice(0, 128).join('')}…` : chars.join('');
}

/**
 * The llx_actioncomm columns ActionComm::create writes for every event the portal records; a
 * booking adds fk_bookcal_calendar (BOOKING_EVENT_COLUMNS). The claims read these lists.
 */
export const AGENDA_EVENT_COLUMNS = [
  'id',
  'ref',
  'entity',
  'datec',
  'datep',
  'datep2',
  'durationp',
  'fk_action',
  'code',
  'ref_ext',
  'fk_soc',
  'fk_project',
  'note',
  'fk_contact',
  'fk_user_author',
  'fk_user_action',
  'label',
  'percent',
  'priority',
  'fulldayevent',
  'location',
  'transparency',
  'fk_element',
  'elementtype',
  'event_paid',
  'status',
  'email_from',
  'ip',
];

/** The llx_actioncomm_resources columns of an event's attendee. */
export const AGENDA_RESOURCE_COLUMNS = ['fk_actioncomm', 'element_type', 'fk_element', 'mandatory', 'transparency', 'answer_status'];

/**
 * What an automatic event (runTrigger's) states of its type and time: the type AC_OTH_AUTO (fk_action
 * its id in llx_c_actioncomm; Dolibarr refuses the event where that row is missing, the portal
 * writes it without), one moment as start and end, and percent -1 ("not applicable").
 */
export function automaticEventAt(trx: Db, at: unknown) {
  return {
    datep: at,
    datep2: at,
    durationp: 0,
    fk_action: trx('llx_c_actioncomm').where({ code: 'AC_OTH_AUTO' }).first('id'),
    percent: -1,
  };
}

/** What an event states of its own; the rest of the row is ActionComm::create's defaults. */
export interface AgendaEventRow {
  entity: number;
  datep: unknown;
  datep2: unknown | null;
  durationp: number | null;
  fk_action: unknown;
  code: string;
  fk_soc: number | null;
  fk_project: number | null;
  note: string;
  fk_contact: number | null;
  fk_user_author: number | null;
  fk_user_action: number | null;
  label: string;
  percent: number;
  transparency: number;
  fk_element: number | null;
  elementtype: string | null;
  status: number;
  email_from: string | null;
  fk_bookcal_calendar?: number;
  ip: string | null;
}

/**
 * Writes an event as ActionComm::create does: the llx_actioncomm row under a provisional ref, the
 * ref set to the id once the row has one ("$this->ref = $this->id"), then its attendees'
 * llx_actioncomm_resources rows, in the order given: a user with the event's transparency (the
 * owner's default in userassigned), a contact with "0, 0, 0" whatever the event's (create() writes
 * socpeopleassigned so). Answers the event's id and time.
 */
export async function insertAgendaEvent(
  trx: Db,
  row: AgendaEventRow,
  attendees: Array<{ element_type: 'user' | 'socpeople'; fk_element: number }>,
): Promise<{ id: number; datep: Date }> {
  const [event] = await trx('llx_actioncomm')
    .insert({ ref: '(PROV)', datec: trx.fn.now(), ref_ext: null, priority: 0, fulldayevent: 0, location: '', event_paid: 0, ...row })
    .returning<Array<{ id: number; datep: Date }>>(['id', 'datep']);
  if (!event) throw new Error('dolibarr: insert into llx_actioncomm returned no row');
  await trx('llx_actioncomm')
    .where({ id: event.id })
    .update({ ref: String(event.id) });
  if (attendees.length > 0)
    await trx('llx_actioncomm_resources').insert(
      attendees.map((attendee) => ({
        fk_actioncomm: event.id,
        ...attendee,
        mandatory: 0,
        transparency: attendee.element_type === 'user' ? row.transparency : 0,
        answer_status: '0',
      })),
    );
  return event;
}

/**
 * Writes the event where MAIN_MODULE_AGENDA and MAIN_AGENDA_ACTIONAUTO_<trigger> are on for the
 * entity; returns its id, or null where the setup asks for none. In the caller's transaction, so
 * the event commits with the change it records.
 */
export async function recordAgendaEvent(trx: Db, args: AgendaEventArgs): Promise<number | null> {
  if (!(await agendaRecords(trx, { entity: args.entity, trigger: args.trigger }))) return null;
  const text = TEXT[args.trigger](args.ref);
  const user = args.userId && args.userId > 0 ? args.userId : null;
  const at = args.at ?? trx.fn.now();
  const elementType = ELEMENT_TYPE[args.trigger];
  const contact = args.contactId && args.contactId > 0 ? args.contactId : null;
  const event = await insertAgendaEvent(
    trx,
    {
      entity: args.entity,
      ...automaticEventAt(trx, at),
      code: `AC_${args.trigger}`,
      fk_soc: args.companyId > 0 ? args.companyId : null,
      fk_project: args.projectId && args.projectId > 0 ? args.projectId : null,
      note: args.more ? `${text}\n${args.more}` : text,
      fk_contact: contact,
      fk_user_author: user,
      fk_user_action: user,
      label: agendaLabel(text),
      transparency: 0,
      fk_element: elementType === null ? null : args.elementId,
      elementtype: elementType,
      status: 0,
      email_from: args.emailFrom?.trim().slice(0, 255) || null,
      ip: args.ip?.slice(0, 250) || null,
    },
    // The owner as the event's assigned user ($this->userassigned defaults to the owner), then the contact.
    [
      ...(user !== null ? [{ element_type: 'user' as const, fk_element: user }] : []),
      ...(contact !== null ? [{ element_type: 'socpeople' as const, fk_element: contact }] : []),
    ],
  );
  return event.id;
}
