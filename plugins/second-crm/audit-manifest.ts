// The second (Dolibarr-like) host as the audit knows it: `npm run audit -- --adapter second-crm`
// shows a host that keeps its own client logins (llx_socpeople.pass_crypted) and comments
// (llx_comment), which the portal then uses. The binding (adapter, queries, claims) lives here;
// its schema, seed and seeded files are test data under test/fixtures/second-crm.
import type { AdapterDescription } from '../../audit/adapter-registry.ts';
import { SECOND_CRM_CLAIMS } from './claims.ts';

export const SECOND_CRM_AUDIT_MANIFEST: AdapterDescription = {
  name: 'second-crm',
  description: 'The Dolibarr-like host (llx_ tables; its binding in plugins/second-crm, schema and test data in test/fixtures/second-crm); it keeps its own client logins and comments.',
  claims: SECOND_CRM_CLAIMS,
};
