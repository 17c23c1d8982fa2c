// The reference CRM as the audit knows it: `npm run audit -- --adapter reference-crm` checks these
// claims (the adapter's own, the ones the portal checks before it starts) against a database.
import type { AdapterDescription } from '../../../src/index.ts';
import { REFERENCE_CRM_CLAIMS } from './claims.ts';

export const REFERENCE_CRM_AUDIT_MANIFEST: AdapterDescription = {
  name: 'reference-crm',
  description:
    'The demo CRM shipped in plugins/reference-crm (workspaces, clients, contacts, proposals, quotations, invoices, tasks, documents); it keeps no client logins and no comments.',
  claims: REFERENCE_CRM_CLAIMS,
};
