// The second (Dolibarr-like) host as the audit knows it: `npm run audit -- --adapter second-crm`
// shows a host that keeps its own client logins (llx_socpeople.pass_crypted) and comments
// (llx_comment), which the portal then uses. Its adapter, schema and test data stay under
// test/fixtures/second-crm; this binding holds what the audit needs, its claims.
import { registerAuditAdapter } from '../../audit/adapter-registry.ts';
import { SECOND_CRM_CLAIMS } from './claims.ts';

registerAuditAdapter({
  name: 'second-crm',
  description: 'The Dolibarr-like host (llx_ tables; claims in plugins/second-crm, adapter and test data in test/fixtures/second-crm); it keeps its own client logins and comments.',
  claims: SECOND_CRM_CLAIMS,
});
