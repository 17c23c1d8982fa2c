// The files of approvals the portal keeps, as documents of the client's third party in Dolibarr
// (the third party's "Documents" tab: llx_ecm_files rows of the directory societe/<socid>, indexed
// with src_object_type 'societe' as societe/document.php's upload indexes them), and the agenda
// event of a client's decision on one, on the third party and the deciding contact. Every read is
// scoped by entity and by the third party being one of the entity's clients.
import { clientCompanyIds, type Db } from './db.ts';
import { agendaLabel, automaticEventAt, insertAgendaEvent } from './agenda.ts';

/**
 * A third party's documents directory relative to the data root, as $conf->societe->multidir_output
 * sets it (DOL_DATA_ROOT.'/societe' for entity 1, DOL_DATA_ROOT.'/<entity>/societe' for another
 * entity of the multicompany module) joined with the third party's id, as societe/document.php does.
 */
export const companyDirectory = (entity: number, companyId: number): string => `${entity > 1 ? `${entity}/` : ''}societe/${companyId}`;

export interface ApprovalFileRow {
  rowid: number;
  filepath: string;
  filename: string;
}

/** A kept file of the company, by its llx_ecm_files rowid; null when it is not one of the company's documents. */
export async function findApprovalFile(
  db: Db,
  args: { entity: number; companyId: number; rowid: number },
): Promise<ApprovalFileRow | null> {
  const row = await db('llx_ecm_files as e')
    .where({
      'e.rowid': args.rowid,
      'e.entity': args.entity,
      'e.src_object_type': 'societe',
      'e.src_object_id': args.companyId,
      'e.filepath': companyDirectory(args.entity, args.companyId),
    })
    .whereIn('e.src_object_id', clientCompanyIds(db, args.entity))
    .first<ApprovalFileRow | undefined>('e.rowid', 'e.filepath', 'e.filename');
  return row ?? null;
}

/** The contact's rowid where it is a person of the company (the event's fk_contact); null otherwise. */
export async function contactOfCompany(db: Db, args: { entity: number; companyId: number; contactId: number }): Promise<number | null> {
  const row = await db('llx_socpeople')
    .where({ rowid: args.contactId, entity: args.entity, fk_soc: args.companyId })
    .first<{ rowid: number } | undefined>('rowid');
  return row?.rowid ?? null;
}

export interface ApprovalEventArgs {
  entity: number;
  companyId: number;
  /** The deciding contact (fk_contact and its 'socpeople' resource); null where it is not the company's. */
  contactId: number | null;
  /** The staff member who shared the version: the event's owner (userownerid) and assigned user. */
  ownerId: number | null;
  /** 'AC_PORTAL_APPROVED' or 'AC_PORTAL_CHANGES_REQUESTED'. */
  code: string;
  label: string;
  note: string;
  at: Date;
  ip: string | null;
}

/**
 * The decision's event as ActionComm::create writes one that runTrigger fills for an automatic
 * event (interface_50_modAgenda_ActionsAuto.class.php): type AC_OTH_AUTO (fk_action its id in
 * llx_c_actioncomm; none where the dictionary lacks it), percent -1 ("not applicable"), datep and
 * datep2 the moment of the decision, the third party as fk_soc and, as runTrigger does for a
 * third party, no fk_element/elementtype ("a link for a thirdparty … is a recording error": the
 * company's Events tab reads fk_soc); the contact as fk_contact and as a 'socpeople' resource
 * (what the contact's Events tab reads); no author (the client is no Dolibarr user), the staff
 * member who shared the version as owner with their 'user' resource; the ref set to the id. In
 * the caller's transaction.
 */
export async function insertApprovalEvent(trx: Db, args: ApprovalEventArgs): Promise<number> {
  // The columns are timestamps without zone, written in the database's zone (as the bookings' are).
  const at = trx.raw('?::timestamptz::timestamp', [args.at]);
  const event = await insertAgendaEvent(
    trx,
    {
      entity: args.entity,
      ...automaticEventAt(trx, at),
      code: args.code,
      fk_soc: args.companyId,
      fk_project: null,
      // ActionComm::create: dol_htmlcleanlastbr(trim($this->note_private)).
      note: args.note.trim(),
      fk_contact: args.contactId,
      fk_user_author: null,
      fk_user_action: args.ownerId,
      label: agendaLabel(args.label),
      transparency: 0,
      fk_element: null,
      elementtype: null,
      status: 0,
      email_from: null,
      ip: args.ip?.slice(0, 250) || null,
    },
    [
      ...(args.ownerId !== null ? [{ element_type: 'user' as const, fk_element: args.ownerId }] : []),
      ...(args.contactId !== null ? [{ element_type: 'socpeople' as const, fk_element: args.contactId }] : []),
    ],
  );
  return event.id;
}
