// Where the second (Dolibarr-like) host keeps what its adapter (test/fixtures/second-crm/adapter.ts)
// reads and writes: the host binding's claims, which the audit checks (audit-manifest.ts). Unlike
// the reference CRM it already keeps client logins (llx_socpeople.pass_crypted, switched on by
// statut) and comments (llx_comment), so the portal uses those through the adapter instead of its
// own. Every column listed here is one a query in test/fixtures/second-crm/queries/ touches; nothing
// more, so a claim that fails at start-up points at a query that would fail too.
//
// Not claimed, because the adapter does not read them: llx_socpeople.login (clients sign in by
// email, not by Dolibarr's login name) and llx_projet_task (tasks cannot be tied to a contact in
// this schema, see adapter.ts).
import type { HostClaim } from '../../src/ports/host.ts';

export const SECOND_CRM_CLAIMS: HostClaim[] = [
  { concept: 'workspace', table: 'llx_entity', columns: ['rowid', 'label', 'active'] },
  { concept: 'company', table: 'llx_societe', columns: ['rowid', 'entity', 'nom', 'client', 'is_inactive'] },
  { concept: 'contact', table: 'llx_socpeople', columns: ['rowid', 'entity', 'fk_soc', 'lastname', 'firstname', 'email', 'phone_pro', 'deleted_at', 'tms'] },
  // Only names, for the authors of staff comments: this fixture has no staff sign-in for the portal.
  { concept: 'staffUser', table: 'llx_user', columns: ['rowid', 'lastname', 'firstname'] },
  { concept: 'proposal', table: 'llx_propal', columns: ['rowid', 'entity', 'fk_soc', 'fk_statut'] },
  { concept: 'invoice', table: 'llx_facture', columns: ['rowid', 'entity', 'fk_soc', 'fk_statut', 'paye', 'total_ttc', 'date_lim_reglement'] },
  // The invoices' currency: the entity's MAIN_MONNAIE constant.
  { concept: 'invoice', table: 'llx_const', columns: ['name', 'entity', 'value'] },
  { concept: 'payment', table: 'llx_paiement_facture', columns: ['fk_facture', 'amount'] },
  { concept: 'document', table: 'llx_ecm_files', columns: ['entity', 'src_object_type', 'src_object_id', 'share'] },
  { concept: 'clientCredentials', table: 'llx_socpeople', columns: ['rowid', 'entity', 'email', 'pass_crypted', 'statut', 'deleted_at', 'tms'] },
  { concept: 'comment', table: 'llx_comment', columns: ['rowid', 'description', 'fk_socpeople', 'fk_user_author', 'element_type', 'element_id', 'entity', 'deleted_at', 'datec'] },
];
