// Where Dolibarr keeps what this binding reads and writes, checked against the schema before the
// portal starts and read by the audit (audit-manifest.ts). Every column listed is one a query in
// queries/ touches, nothing more, so a claim that fails at start-up points at a query that would
// fail too. Not claimed because not used: llx_societe_account (see CONTEXT.md: the portal keeps
// its own per-person logins) and llx_comment (no way to name a contact as a comment's author).
import type { HostClaim } from '../../src/index.ts';

export const DOLIBARR_CLAIMS: HostClaim[] = [
  // The workspace: the entity's own name and currency (there is no llx_entity without the
  // multicompany module, so the entity number comes from configuration).
  { concept: 'workspace', table: 'llx_const', columns: ['name', 'entity', 'value'] },
  { concept: 'company', table: 'llx_societe', columns: ['rowid', 'entity', 'nom', 'client', 'status'] },
  {
    concept: 'contact',
    table: 'llx_socpeople',
    columns: ['rowid', 'entity', 'fk_soc', 'lastname', 'firstname', 'email', 'phone', 'statut'],
  },
  {
    concept: 'staffUser',
    table: 'llx_user',
    columns: [
      'rowid',
      'entity',
      'login',
      'lastname',
      'firstname',
      'email',
      'admin',
      'statut',
      'fk_soc',
      'datestartvalidity',
      'dateendvalidity',
    ],
  },
  {
    concept: 'proposal',
    table: 'llx_propal',
    columns: [
      'rowid',
      'entity',
      'fk_soc',
      'fk_statut',
      'ref',
      'ref_client',
      'fin_validite',
      'date_valid',
      'date_signature',
      'date_cloture',
      'total_ht',
      'total_tva',
      'total_ttc',
      'note_public',
    ],
  },
  {
    concept: 'proposal',
    table: 'llx_propaldet',
    columns: ['rowid', 'fk_propal', 'label', 'description', 'qty', 'subprice', 'tva_tx', 'total_ht', 'rang'],
  },
  {
    concept: 'invoice',
    table: 'llx_facture',
    columns: [
      'rowid',
      'entity',
      'fk_soc',
      'type',
      'fk_statut',
      'paye',
      'ref',
      'datef',
      'date_lim_reglement',
      'total_ht',
      'total_tva',
      'total_ttc',
      'note_public',
      'multicurrency_code',
      'multicurrency_tx',
      'fk_user_closing',
      'date_closing',
      'ref_client',
      'date_valid',
      'tms',
    ],
  },
  {
    concept: 'invoice',
    table: 'llx_facturedet',
    columns: ['rowid', 'fk_facture', 'label', 'description', 'qty', 'subprice', 'tva_tx', 'total_ht', 'rang'],
  },
  // Credit notes and deposits already used on an invoice, which lower what remains to pay.
  { concept: 'invoice', table: 'llx_societe_remise_except', columns: ['fk_facture', 'amount_ttc'] },
  {
    concept: 'payment',
    table: 'llx_paiement',
    columns: [
      'rowid',
      'entity',
      'ref',
      'ref_ext',
      'datec',
      'datep',
      'amount',
      'multicurrency_amount',
      'fk_paiement',
      'num_paiement',
      'note',
      'ext_payment_id',
      'ext_payment_site',
      'fk_user_creat',
      'pos_change',
    ],
  },
  {
    concept: 'payment',
    table: 'llx_paiement_facture',
    columns: ['rowid', 'fk_paiement', 'fk_facture', 'amount', 'multicurrency_amount', 'multicurrency_code', 'multicurrency_tx'],
  },
  { concept: 'payment', table: 'llx_c_paiement', columns: ['id', 'entity', 'code', 'active'] },
  {
    concept: 'document',
    table: 'llx_ecm_files',
    columns: ['rowid', 'entity', 'src_object_type', 'src_object_id', 'share', 'filepath', 'filename', 'date_c', 'fk_user_c'],
  },
  {
    concept: 'task',
    table: 'llx_projet_task',
    columns: ['rowid', 'entity', 'fk_projet', 'ref', 'label', 'description', 'datee', 'fk_statut', 'progress', 'tms'],
  },
  { concept: 'task', table: 'llx_projet', columns: ['rowid', 'entity', 'fk_soc', 'ref', 'title', 'fk_statut'] },
  { concept: 'task', table: 'llx_element_contact', columns: ['element_id', 'fk_c_type_contact', 'fk_socpeople', 'datecreate'] },
  { concept: 'task', table: 'llx_c_type_contact', columns: ['rowid', 'element', 'source'] },
];
