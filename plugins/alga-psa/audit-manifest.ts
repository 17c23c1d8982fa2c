// Alga PSA as the audit knows it: `npm run audit -- --host alga-psa` checks the binding's claims
// (claims.ts, the ones the portal checks before it starts, documents included) against an Alga
// PSA database.
import type { AdapterDescription } from '../../audit/adapter-registry.ts';
import { ALGA_PSA_CLAIMS, ALGA_PSA_DOCUMENT_CLAIMS } from './claims.ts';

export const ALGA_PSA_AUDIT_MANIFEST: AdapterDescription = {
  name: 'alga-psa',
  description:
    "Alga PSA on its own tables (binding in plugins/alga-psa): each tenant a workspace, clients and contacts, internal users as staff, client users as the portal's logins (Alga's PBKDF2 with NEXTAUTH_SECRET), quotes, invoices and payments, projects with their phases and tasks, project tasks, client-visible documents; the portal keeps its own comments.",
  claims: [...ALGA_PSA_CLAIMS, ...ALGA_PSA_DOCUMENT_CLAIMS],
};
