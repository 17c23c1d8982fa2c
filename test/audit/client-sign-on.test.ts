// Covers the audit's question A5 (does the CRM already sign clients in with their company's
// identity provider, or provision them from a directory?) on real schemas: Alga PSA's client users
// carry their Entra metadata (users.client_portal_entra_metadata, on the rows of the client user
// type), so it exists and the decision keeps the host's, switching the portal's on only where the
// host's is not used; its MSP sign-on domains are the agency's own and are cited, not counted.
// Dolibarr keeps nothing of the kind for its clients (its users' OpenID column is the agency's own
// sign-on): missing, and the portal adds its own per company. Each schema is skipped, saying why, where it cannot be loaded.
import { expect } from 'chai';
import type { AuditReport } from '../../audit/report-schema.ts';
import { runAudit } from '../../audit/run-audit.ts';
import { loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';

function audited(file: string) {
  const state: { report?: AuditReport; db?: TestDatabase } = {};
  before(async function () {
    const reason = realSchemaSkipReason(file);
    // Skipped only where this schema cannot be loaded (no PostgreSQL server, or its file is
    // missing): `reason` says which; CI's PostgreSQL pass loads both.
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    state.db = await loadRealSchema(file);
    state.report = await runAudit({ databaseUrl: state.db.url });
  });
  after(async () => state.db?.drop());
  return () => {
    const found = state.report?.answers.find((a) => a.id === 'A5');
    if (!found) throw new Error(`${file} has no answer A5`);
    return found;
  };
}

describe("audit: the host's own client sign-on and provisioning (A5)", function () {
  this.timeout(300_000);

  describe("on Alga PSA's real schema", () => {
    const a5 = audited('alga-psa.sql');

    it("finds the client users' Entra metadata and keeps the host's sign-on, the portal's for the other companies", () => {
      const found = a5();
      expect(found.status).to.equal('exists');
      const entra = found.evidence.find((e) => e.ref === 'public.users.client_portal_entra_metadata');
      expect(entra?.detail).to.include('client users (the rows of the client user type)');
      expect(found.decision.kind).to.equal('keep');
      expect(found.decision.text).to.include('so no one is provisioned twice');
    });

    it("cites the MSP's own sign-on domains as not the clients'", () => {
      const domains = a5().evidence.find((e) => e.ref === 'public.msp_sso_tenant_login_domains');
      expect(domains?.detail).to.include('not tied to clients');
    });
  });

  describe("on Dolibarr's real schema", () => {
    const a5 = audited('dolibarr.sql');

    it('finds none for clients, and the portal adds its own per company', () => {
      const found = a5();
      expect(found.status).to.equal('missing');
      expect(found.evidence[0]).to.include({ kind: 'absence' });
      // Its users' OpenID column is the agency's own sign-on (its external users are not the portal's clients).
      expect(found.evidence.find((e) => e.ref === 'public.llx_user.openid')?.detail).to.include("the agency's own users");
      expect(found.decision).to.deep.equal({
        kind: 'add',
        text: "sign-on per client company with the company's identity provider (OpenID Connect and SAML: portal_sso_*) and provisioning from its directory (SCIM 2.0: portal_scim_*), set up by the agency on each company's staff page",
      });
    });
  });
});
