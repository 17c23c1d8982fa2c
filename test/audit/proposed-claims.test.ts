// Covers the adapter declaration the audit proposes (report.proposedClaims) and the claim check
// against the catalog: on a real Dolibarr database (crm-schemas/dolibarr.sql; skipped, saying why,
// where it cannot be loaded) it proposes the host's own logins (llx_societe_account.pass_crypted)
// and comments (llx_comment); on the reference CRM neither; every
// proposed claim passes the portal's own start-up check (findClaimProblems) on the same database;
// and a claim naming a missing table or column (claimed, or in its row filter) is reported with its
// schema.table.column. On the Odoo-like fixture the client logins are proposed with a row filter.
// Where a host keeps why an invoice charges no VAT (a note, an exemption flag and certificate), the
// proposal names those columns on the agency's or the client's table.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { checkClaims } from '../../audit/adapters.ts';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { REFERENCE_CRM_CLAIMS } from '../../plugins/reference-crm/binding/claims.ts';
import { runAudit } from '../../audit/run-audit.ts';
import { HOST_CONCEPTS, type AuditReport, type ConceptId, type ConceptFinding } from '../../audit/report-schema.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { checkClaimAgainstSchema } from '../../src/core/host/verify-claims.ts';
import { findClaimProblems } from '../../src/portal.ts';
import type { HostAdapter, HostClaim } from '../../src/core/ports/host.ts';
import type { TestDatabase } from '../support/database.ts';
import { conceptOf } from '../support/audit-assertions.ts';
import { loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import { createHostDatabase } from '../support/host-fixtures.ts';

/**
 * The portal's start-up check takes a whole adapter; only its name, claims and the presence of the
 * credentials and comments ports matter to it, so the ports are present exactly when claimed.
 */
function adapterClaiming(claims: HostClaim[]): HostAdapter {
  const has = (concept: string) => claims.some((c) => c.concept === concept);
  return {
    name: 'proposed',
    claims,
    ...(has('clientCredentials') ? { credentials: {} } : {}),
    ...(has('comment') ? { comments: {} } : {}),
  } as unknown as HostAdapter;
}

async function startUpProblems(url: string, claims: HostClaim[]): Promise<string[]> {
  const knex: Knex = createKnex(url, 1);
  try {
    return await findClaimProblems(knex, adapterClaiming(claims));
  } finally {
    await knex.destroy();
  }
}

function proposal(report: AuditReport, concept: HostClaim['concept']): HostClaim | undefined {
  return report.proposedClaims.find((c) => c.concept === concept);
}

describe('audit: proposed adapter claims', () => {
  describe('on a real Dolibarr database, with the dolibarr binding', () => {
    let db: TestDatabase | undefined;
    let report: AuditReport;

    before(async function () {
      this.timeout(300_000);
      const reason = realSchemaSkipReason('dolibarr.sql');
      if (reason) {
        console.log(`      skipped: ${reason}`);
        this.skip();
      }
      db = await loadRealSchema('dolibarr.sql');
      report = await runAudit({ databaseUrl: db.url, adapter: 'dolibarr' });
    });
    after(async () => db?.drop());

    it("names the third party's reverse-charge flag for a person to check, never the supplier invoices' own", () => {
      const note = report.concepts.find((concept) => concept.id === 'company')?.notes.find((line) => line.includes('charges no VAT'));
      expect(note).to.include('public.llx_societe.vat_reverse_charge');
      expect(note).to.include('check it is about sales to the client');
      expect(note).to.not.include('llx_facture_fourn');
    });

    it('proposes the host-kept client logins on public.llx_societe_account, with the password column', () => {
      const credentials = proposal(report, 'clientCredentials');
      expect(credentials?.table).to.equal('public.llx_societe_account');
      expect(credentials?.columns).to.include.members(['rowid', 'entity', 'login', 'pass_crypted', 'fk_soc', 'status']);
    });

    it('proposes the host-kept comments on public.llx_comment, with the polymorphic link and authors', () => {
      const comment = proposal(report, 'comment');
      expect(comment?.table).to.equal('public.llx_comment');
      expect(comment?.columns).to.include.members(['rowid', 'entity', 'description', 'element_type', 'fk_element', 'fk_user_author']);
    });

    it('proposes the records the adapter reads with their key, tenant column and client link', () => {
      expect(proposal(report, 'invoice')).to.deep.include({ table: 'public.llx_facture' });
      expect(proposal(report, 'invoice')?.columns).to.include.members([
        'rowid',
        'entity',
        'fk_soc',
        'fk_statut',
        'paye',
        'date_lim_reglement',
        'total_ttc',
      ]);
      expect(proposal(report, 'contact')?.columns).to.include.members(['rowid', 'entity', 'fk_soc', 'email', 'lastname', 'firstname']);
    });

    it('leaves out the low-confidence quotation pick, and says why', () => {
      expect(proposal(report, 'quotation')).to.equal(undefined);
      expect(renderMarkdown(report)).to.match(/- quotation: the pick public\.llx_propal has low confidence \(0\.\d+\)/);
    });

    it('proposes only host concepts, each once, on schema-qualified tables', () => {
      const concepts = report.proposedClaims.map((c) => c.concept);
      expect(new Set(concepts).size).to.equal(concepts.length);
      for (const claim of report.proposedClaims) {
        expect(HOST_CONCEPTS, claim.concept).to.include(claim.concept);
        expect(claim.table, claim.concept).to.match(/^public\.llx_/);
      }
    });

    it('proposes only claims that pass the portal start-up check on this database', async () => {
      expect(await startUpProblems(db!.url, report.proposedClaims)).to.deep.equal([]);
    });
  });

  describe('on a real Alga PSA database', () => {
    let db: TestDatabase | undefined;
    let report: AuditReport;

    before(async function () {
      this.timeout(300_000);
      // Alga's real schema loads only into a PostgreSQL server and from ../shared/crm-schemas/:
      // elsewhere (the embedded pass) the reason is printed and the PostgreSQL CI pass runs it.
      const reason = realSchemaSkipReason('alga-psa.sql');
      if (reason) {
        console.log(`      skipped: ${reason}`);
        this.skip();
      }
      db = await loadRealSchema('alga-psa.sql');
      report = await runAudit({ databaseUrl: db.url });
    });
    after(async () => db?.drop());

    it("proposes where Alga keeps why a client's invoices charge no tax: its exemption and certificate", () => {
      expect(proposal(report, 'company')).to.deep.include({ table: 'public.clients' });
      expect(proposal(report, 'company')?.columns).to.include.members(['is_tax_exempt', 'tax_exemption_certificate']);
    });

    it('reports it on the client, with what hangs off the client (the billing profile overriding it)', () => {
      const note = report.concepts.find((concept) => concept.id === 'company')?.notes.find((line) => line.includes('charges no VAT'));
      expect(note).to.include('public.clients.is_tax_exempt');
      expect(note).to.include('public.client_billing_profiles.is_tax_exempt');
    });
  });

  describe('on the reference CRM', () => {
    let db: TestDatabase;
    let report: AuditReport;

    before(async () => {
      db = await createHostDatabase('reference-crm');
      report = await runAudit({ databaseUrl: db.url, adapter: 'reference-crm' });
    });
    after(async () => db?.drop());

    it('proposes no client credentials and no comments: the portal keeps its own', () => {
      expect(proposal(report, 'clientCredentials')).to.equal(undefined);
      expect(proposal(report, 'comment')).to.equal(undefined);
    });

    it('proposes the tables the reference adapter claims, with at least the columns it claims', () => {
      expect(report.proposedClaims.map((c) => c.concept)).to.have.members(REFERENCE_CRM_CLAIMS.map((c) => c.concept));
      for (const claim of REFERENCE_CRM_CLAIMS) {
        const proposed = proposal(report, claim.concept);
        expect(proposed?.table, claim.concept).to.equal(`public.${claim.table}`);
        expect(proposed?.columns, claim.concept).to.include.members(claim.columns);
      }
    });

    it("proposes and reports the notes on why an invoice charges no VAT: the workspace's and the client's", () => {
      expect(proposal(report, 'workspace')?.columns).to.include('vat_exemption_note');
      expect(proposal(report, 'company')?.columns).to.include('vat_exemption_note');
      const markdown = renderMarkdown(report);
      expect(markdown).to.include('may say why an invoice charges no VAT in public.workspaces.vat_exemption_note');
      expect(markdown).to.include('may say why an invoice charges no VAT in public.clients.vat_exemption_note');
    });

    it('proposes only claims that pass the portal start-up check on this database', async () => {
      expect(await startUpProblems(db.url, report.proposedClaims)).to.deep.equal([]);
    });
  });

  describe('the claim check', () => {
    const finding = (id: ConceptId, status: ConceptFinding['status'], chosenTable: string | null): ConceptFinding => ({
      id,
      label: id,
      status,
      chosenTable,
      confidence: 1,
      lowConfidence: false,
      candidates: [],
      evidence: [],
      notes: [],
      lookedAt: '',
      decision: { kind: status === 'exists' ? 'keep' : 'add', text: '-' },
    });
    const findings = new Map<ConceptId, ConceptFinding>([
      ['contact', finding('contact', 'exists', 'public.llx_socpeople')],
      ['clientCredentials', finding('clientCredentials', 'exists', 'public.llx_socpeople')],
      ['comment', finding('comment', 'missing', null)],
    ]);
    const columns = new Map([['public.llx_socpeople', new Set(['rowid', 'email', 'pass_crypted'])]]);

    it('names each claimed column the catalog lacks as schema.table.column, as the start-up check does', () => {
      const checks = checkClaims(
        {
          name: 'x',
          description: 'x',
          claims: [{ concept: 'clientCredentials', table: 'llx_socpeople', columns: ['email', 'password', 'salt'] }],
        },
        findings,
        columns,
        [],
      );
      const credentials = checks.find((c) => c.concept === 'clientCredentials');
      expect(credentials).to.include({ claimed: true, table: 'public.llx_socpeople', agrees: false });
      expect(credentials?.missingInSchema).to.deep.equal(['public.llx_socpeople.password', 'public.llx_socpeople.salt']);
      expect(credentials?.note).to.equal(
        'public.llx_socpeople.password, public.llx_socpeople.salt do not exist: the portal would refuse to start',
      );
    });

    it('checks the columns of a row filter (where) like the claimed columns', () => {
      const claim: HostClaim = { concept: 'clientCredentials', table: 'llx_socpeople', columns: ['email'], where: { is_portal: true } };
      expect(checkClaimAgainstSchema(claim, columns)).to.deep.include({ missing: ['public.llx_socpeople.is_portal'] });
      const held: HostClaim = { ...claim, where: { pass_crypted: 'x' } };
      expect(checkClaimAgainstSchema(held, columns).problem).to.equal(null);
    });

    it('names a claimed table that does not exist', () => {
      const checks = checkClaims(
        { name: 'x', description: 'x', claims: [{ concept: 'contact', table: 'crm.people', columns: ['id'] }] },
        findings,
        columns,
        [],
      );
      expect(checks.find((c) => c.concept === 'contact')?.missingInSchema).to.deep.equal(['crm.people']);
    });

    it('disagrees when the host has what the adapter leaves to the plugin, and agrees when neither has it', () => {
      const proposed: HostClaim[] = [{ concept: 'clientCredentials', table: 'public.llx_socpeople', columns: ['rowid', 'pass_crypted'] }];
      const checks = checkClaims({ name: 'x', description: 'x', claims: [] }, findings, columns, proposed);
      expect(checks.find((c) => c.concept === 'clientCredentials')).to.include({ claimed: false, agrees: false });
      expect(checks.find((c) => c.concept === 'comment')).to.include({ claimed: false, agrees: true });
    });
  });

  describe('on the Odoo-like schema, where portal users are res_users rows with share = true', () => {
    let db: TestDatabase;
    let report: AuditReport;
    before(async () => {
      db = await createHostDatabase('odoo');
      report = await runAudit({ databaseUrl: db.url });
    });
    after(async () => db?.drop());

    it('proposes the client logins as a claim on res_users with a row filter, and the markdown quotes it', () => {
      const claim = report.proposedClaims.find((c) => c.concept === 'clientCredentials');
      expect(claim).to.deep.include({ table: 'public.res_users', where: { share: true } });
      expect(claim?.columns).to.include.members(['login', 'password', 'share', 'partner_id']);
      expect(renderMarkdown(report)).to.include("table: 'public.res_users', columns: [");
      expect(renderMarkdown(report)).to.include('where: { share: true } }');
      expect(conceptOf(report, 'clientCredentials').evidence.some((e) => e.ref === 'public.res_users.share')).to.equal(true);
    });
  });
});
