// Where the second (Dolibarr-like) host keeps what its adapter (adapter.ts beside this file)
// reads and writes: the host binding's claims, which the audit checks (audit-manifest.ts). Unlike
// the reference CRM it already keeps client logins (llx_socpeople.pass_crypted, switched on by
// statut) and comments (llx_comment), so the portal uses those through the adapter instead of its
// own. Every column listed here is one a query in queries/ touches; nothing
// more, so a claim that fails at start-up points at a query that would fail too.
//
// Not claimed, because the adapter does not read them: llx_socpeople.login (clients sign in by
// email, not by Dolibarr's login name).
import type { HostClaim } from '../../src/index.ts';

export const SECOND_CRM_CLAIMS: HostClaim[] = [
  { concept: 'workspace', table: 'llx_entity', columns: ['rowid', 'label', 'active'] },
  { concept: 'company', table: 'llx_societe', columns: ['rowid', 'entity', 'nom', 'client', 'is_inactive'] },
  { concept: 'contact', table: 'llx_socpeople', columns: ['rowid', 'entity', 'fk_soc', 'lastname', 'firstname', 'email', 'phone_pro', 'deleted_at', 'tms'] },
  // Only names, for the authors of staff comments: this fixture has no staff sign-in for the portal.
  // Names for comment authors; the entity's active admins (admin, statut, email) get the portal's emails.
  { concept: 'staffUser', table: 'llx_user', columns: ['rowid', 'entity', 'lastname', 'firstname', 'email', 'admin', 'statut', 'fk_soc'] },
  {
    concept: 'proposal',
    table: 'llx_propal',
    columns: [
      'rowid', 'entity', 'fk_soc', 'fk_statut', 'ref', 'ref_client', 'datec', 'fin_validite', 'date_valid', 'date_signature', 'date_cloture',
      'total_ht', 'total_tva', 'total_ttc', 'multicurrency_code', 'note_public',
    ],
  },
  // A proposal's lines, read with it.
  { concept: 'proposal', table: 'llx_propaldet', columns: ['rowid', 'fk_propal', 'description', 'qty', 'subprice', 'total_ht', 'total_ttc', 'rang'] },
  {
    concept: 'invoice',
    table: 'llx_facture',
    columns: ['rowid', 'entity', 'fk_soc', 'type', 'fk_statut', 'paye', 'ref', 'datef', 'total_ht', 'total_tva', 'total_ttc', 'date_lim_reglement', 'note_public'],
  },
  // An invoice's lines, read with it.
  { concept: 'invoice', table: 'llx_facturedet', columns: ['rowid', 'fk_facture', 'description', 'qty', 'subprice', 'total_ht', 'total_ttc'] },
  // The invoices' currency: the entity's MAIN_MONNAIE constant.
  { concept: 'invoice', table: 'llx_const', columns: ['name', 'entity', 'value'] },
  { concept: 'payment', table: 'llx_paiement_facture', columns: ['rowid', 'fk_paiement', 'fk_facture', 'amount'] },
  // When and how a payment was made, and the payment mode's code; a payment from the portal writes
  // the money received (entity, amount, dates, note) before the link above.
  { concept: 'payment', table: 'llx_paiement', columns: ['rowid', 'entity', 'datec', 'datep', 'amount', 'num_paiement', 'fk_paiement', 'note'] },
  { concept: 'payment', table: 'llx_c_paiement', columns: ['id', 'code', 'active'] },
  {
    concept: 'document',
    table: 'llx_ecm_files',
    columns: ['rowid', 'entity', 'src_object_type', 'src_object_id', 'share', 'filepath', 'filename', 'date_c', 'fk_user_c'],
  },
  { concept: 'task', table: 'llx_projet_task', columns: ['rowid', 'entity', 'fk_projet', 'label', 'description', 'datee', 'fk_statut', 'progress', 'fk_socpeople', 'date_close'] },
  { concept: 'task', table: 'llx_projet', columns: ['rowid', 'entity', 'fk_soc', 'ref', 'title'] },
  { concept: 'clientCredentials', table: 'llx_socpeople', columns: ['rowid', 'entity', 'email', 'pass_crypted', 'statut', 'deleted_at', 'tms'] },
  { concept: 'comment', table: 'llx_comment', columns: ['rowid', 'description', 'fk_socpeople', 'fk_user_author', 'element_type', 'element_id', 'entity', 'deleted_at', 'datec'] },
];
