// Dolibarr as the audit knows it: `npm run audit -- --adapter dolibarr` checks the binding's claims
// (claims.ts, the ones the portal checks before it starts) against a Dolibarr database.
import type { AdapterDescription } from '../../src/index.ts';
import { DOLIBARR_CLAIMS } from './claims.ts';

export const DOLIBARR_AUDIT_MANIFEST: AdapterDescription = {
  name: 'dolibarr',
  description:
    "Dolibarr ERP & CRM on its own llx_ tables (binding in plugins/dolibarr): one entity as the workspace, customers and prospects as clients, proposals, invoices and payments, project tasks, shared ECM files, tickets of the Ticket module; the portal keeps its own client logins and comments. Clients' ticket files go into Dolibarr's ticket directory (ticket/<ref>/ under DOL_DATA_ROOT, indexed in llx_ecm_files) only where the portal's process may write the data root; otherwise the portal keeps them and Dolibarr's staff do not see them.",
  claims: DOLIBARR_CLAIMS,
};
