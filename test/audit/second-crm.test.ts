// Covers the audit of a CRM of a different shape (test/fixtures/second-crm, Dolibarr-like): llx_
// prefix, integer `entity` tenant, contacts that already sign in (llx_socpeople.pass_crypted),
// integer status codes explained only in comments, numeric(24,8) money, a polymorphic comments
// table, soft deletes, and decoy tables. Also checks that the reference-crm adapter's claims are
// flagged where they disagree with this schema (naming the missing tables), and that the fixture's
// own claims (SECOND_CRM_CLAIMS) all hold.
import { expect } from 'chai';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { answerOf, conceptOf, evidenceRefs, statuses } from '../support/audit-assertions.ts';
import type { TestDatabase } from '../support/database.ts';
import { createHostDatabase } from '../support/host-fixtures.ts';

describe('audit: Dolibarr-like second CRM', () => {
  let db: TestDatabase;
  let report: AuditReport;

  before(async () => {
    db = await createHostDatabase('second-crm');
    report = await runAudit({ databaseUrl: db.url, adapter: 'reference-crm' });
  });
  after(async () => db?.drop());

  it('sets the llx prefix aside and finds the integer entity tenant column', () => {
    expect(report.database.tablePrefix).to.equal('llx');
    expect(report.database.tenant).to.include({ column: 'entity', table: 'public.llx_entity' });
    expect(conceptOf(report, 'workspace').chosenTable).to.equal('public.llx_entity');
  });

  it('recognises the French tables and passes over the decoys', () => {
    const picks = Object.fromEntries(
      (['company', 'contact', 'staffUser', 'proposal', 'invoice', 'payment', 'task', 'document', 'comment', 'activityLog'] as const).map((id) => [
        id,
        conceptOf(report, id).chosenTable,
      ]),
    );
    expect(picks).to.deep.equal({
      company: 'public.llx_societe',
      contact: 'public.llx_socpeople',
      staffUser: 'public.llx_user',
      proposal: 'public.llx_propal',
      invoice: 'public.llx_facture',
      payment: 'public.llx_paiement',
      task: 'public.llx_projet_task',
      document: 'public.llx_ecm_files',
      comment: 'public.llx_comment',
      activityLog: 'public.llx_events',
    });
    // Supplier invoices, invoice templates, line items, orders, PDF models, bank accounts,
    // dictionaries and extension tables are never chosen for anything.
    const chosen = report.concepts.map((c) => c.chosenTable).filter(Boolean);
    for (const decoy of [
      'llx_facture_fourn', 'llx_facture_rec', 'llx_facturedet', 'llx_propaldet', 'llx_propal_extrafields', 'llx_commande',
      'llx_document_model', 'llx_bank_account', 'llx_c_typent', 'llx_societe_extrafields', 'llx_mailing', 'llx_notify', 'llx_paiement_facture',
    ]) {
      expect(chosen, decoy).to.not.include(`public.${decoy}`);
    }
  });

  it('reports client login and passwords as existing, with llx_socpeople.pass_crypted as evidence', () => {
    const credentials = conceptOf(report, 'clientCredentials');
    expect(credentials.status).to.equal('exists');
    expect(credentials.chosenTable).to.equal('public.llx_socpeople');
    const password = credentials.evidence.find((e) => e.ref === 'public.llx_socpeople.pass_crypted');
    expect(password?.detail).to.match(/look like password hashes \(argon2, bcrypt\)/);
    expect(statuses(report, ['A1', 'A2', 'A3', 'A4a', 'A4b', 'D1'])).to.deep.equal({ A1: 'exists', A2: 'exists', A3: 'exists', A4a: 'exists', A4b: 'missing', D1: 'exists' });
    expect(evidenceRefs(answerOf(report, 'A1'))).to.include('public.llx_socpeople.pass_crypted');
    expect(answerOf(report, 'A1').decision.kind).to.equal('keep');
    // The staff table also links to companies (external users): seen, not chosen.
    expect(credentials.candidates.find((c) => c.table === 'public.llx_user')?.confidence).to.be.below(credentials.confidence);
  });

  it('reports comments as existing, written by clients through the polymorphic llx_comment', () => {
    const comment = conceptOf(report, 'comment');
    expect(comment.status).to.equal('exists');
    expect(comment.notes.join(' ')).to.match(/element_type\/element_id/);
    expect(comment.notes.join(' ')).to.match(/soft-deleted through deleted_at/);
    expect(statuses(report, ['B8', 'F2'])).to.deep.equal({ B8: 'exists', F2: 'exists' });
  });

  it('reads integer status codes from column comments and online signatures from the proposal table', () => {
    const acceptance = conceptOf(report, 'acceptance');
    expect(acceptance.status).to.equal('exists');
    expect(acceptance.evidence.some((e) => e.kind === 'comment' && e.ref === 'public.llx_propal.fk_statut')).to.equal(true);
    expect(conceptOf(report, 'signature').notes[0]).to.match(/client signs online/);
    expect(statuses(report, ['B1', 'B4', 'C4'])).to.deep.equal({ B1: 'exists', B4: 'exists', C4: 'exists' });
  });

  it('keeps quotations as a low-confidence reuse of the proposal table', () => {
    const quotation = conceptOf(report, 'quotation');
    expect(quotation.chosenTable).to.equal('public.llx_propal');
    expect(quotation.lowConfidence).to.equal(true);
    expect(quotation.notes.join(' ')).to.match(/same table was chosen for proposals/);
  });

  it('completes what is partial: invoices without client access, tasks without a client link, staff-only events', () => {
    expect(statuses(report, ['B3', 'B5', 'B6', 'D2', 'D4', 'D5', 'F3'])).to.deep.equal({
      B3: 'exists', B5: 'partial', B6: 'exists', D2: 'partial', D4: 'partial', D5: 'partial', F3: 'partial',
    });
    expect(evidenceRefs(answerOf(report, 'B5'))).to.include('public.llx_c_paiement');
    expect(answerOf(report, 'F3').evidence.some((e) => e.ref === 'public.llx_events' && /staff activity only/.test(e.detail))).to.equal(true);
    expect(answerOf(report, 'B7').status).to.equal('exists');
    expect(evidenceRefs(answerOf(report, 'B7'))).to.include('public.llx_ecm_files.share');
  });

  it('notes soft deletes and money as numeric(24,8)', () => {
    expect(conceptOf(report, 'contact').notes.join(' ')).to.match(/deleted_at/);
    expect(conceptOf(report, 'company').notes.join(' ')).to.match(/is_inactive/);
    expect(conceptOf(report, 'invoice').evidence.some((e) => e.ref === 'public.llx_facture.total_ht' && /numeric\(24,8\)/.test(e.detail))).to.equal(true);
  });

  it('flags where the reference-crm adapter claims disagree with this host, naming what is missing', () => {
    const disagreements = report.adapterClaims.filter((c) => !c.agrees).map((c) => c.concept);
    // Every claimed table is absent here, and the host keeps logins and comments the adapter leaves to the plugin.
    expect(disagreements).to.include.members(['workspace', 'contact', 'invoice', 'clientCredentials', 'comment']);
    const workspace = report.adapterClaims.find((c) => c.concept === 'workspace');
    expect(workspace).to.include({ claimed: true, table: 'public.workspaces' });
    expect(workspace?.missingInSchema).to.deep.equal(['public.workspaces']);
    expect(workspace?.note).to.match(/table public\.workspaces does not exist: the portal would refuse to start/);
    const credentials = report.adapterClaims.find((c) => c.concept === 'clientCredentials');
    expect(credentials).to.include({ claimed: false, found: 'exists', agrees: false });
    expect(credentials?.note).to.match(/llx_socpeople/);
  });

  it('finds every claim of the second-crm adapter consistent with the schema', async () => {
    const own = await runAudit({ databaseUrl: db.url, adapter: 'second-crm' });
    expect(own.adapter.claims.map((c) => c.concept)).to.include.members(['clientCredentials', 'comment']);
    expect(own.adapterClaims.filter((c) => !c.agrees)).to.deep.equal([]);
    // The adapter reads payments through the invoice link table; the audit picked the payments themselves.
    expect(own.adapterClaims.find((c) => c.concept === 'payment')?.note).to.match(/llx_paiement_facture .*chose public\.llx_paiement/);
  });
});
