// Alga PSA as the audit knows it: `npm run audit -- --host alga-psa` checks the binding's claims
// (claims.ts, the ones the portal checks before it starts, documents included) against an Alga
// PSA database.
import type { AdapterDescription } from '../../src/index.ts';
import { ALGA_PSA_APPROVAL_CLAIMS, ALGA_PSA_CLAIMS, ALGA_PSA_DOCUMENT_CLAIMS } from './claims.ts';

export const ALGA_PSA_AUDIT_MANIFEST: AdapterDescription = {
  name: 'alga-psa',
  description:
    "Alga PSA on its own tables (binding in plugins/alga-psa): each tenant a workspace, clients and contacts, internal users as staff, client users as the portal's logins (Alga's PBKDF2 with NEXTAUTH_SECRET), quotes, invoices and payments, projects with their phases and tasks, project tasks, client-visible documents (read from Alga's local storage root, the option storageRoot) and support tickets; the portal keeps its own comments. With storageRoot, the files clients attach to tickets become Alga documents of the ticket, as Alga's own client portal uploads them; without it the documents are left out and those files stay in the portal's own storage: they do not reach Alga, and Alga's staff do not see them.",
  claims: [...ALGA_PSA_CLAIMS, ...ALGA_PSA_DOCUMENT_CLAIMS, ...ALGA_PSA_APPROVAL_CLAIMS],
};
