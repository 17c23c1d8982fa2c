// Covers the audit of a CRM of another shape than the reference CRM, on Dolibarr's real schema
// (crm-schemas/dolibarr.sql; skipped, saying why, where it cannot be loaded): the llx_ prefix set
// aside, the integer `entity` tenant column, the host's own client logins (llx_societe_account)
// with their password column as evidence, the polymorphic comments table, online signatures and
// integer status codes on the proposal table, quotations as a low-confidence reuse of it, and the
// tables that look like records but are not (supplier invoices, templates, lines, orders,
// dictionaries, extension tables) never chosen, but for the templates as recurring invoices. Also
// checks that the reference-crm adapter's claims
// are flagged where they disagree with this schema, naming what is missing. Which table each
// concept picks and how each question is answered are scored in real-schemas.test.ts; the dolibarr
// binding's own claims are checked in test/dolibarr/audit.test.ts.
import { expect } from 'chai';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { answerOf, conceptOf, evidenceRefs, statuses } from '../support/audit-assertions.ts';
import { loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';

describe("audit: Dolibarr's real schema, with the reference-crm adapter named", function () {
  this.timeout(300_000);
  let db: TestDatabase | undefined;
  let report: AuditReport;

  before(async function () {
    const reason = realSchemaSkipReason('dolibarr.sql');
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    db = await loadRealSchema('dolibarr.sql');
    report = await runAudit({ databaseUrl: db.url, adapter: 'reference-crm' });
  });
  after(async () => db?.drop());

  it('sets the llx prefix aside and finds the integer entity tenant column', () => {
    expect(report.database.tablePrefix).to.equal('llx');
    expect(report.database.tenant).to.include({ column: 'entity' });
    expect(conceptOf(report, 'company').notes.join(' ')).to.match(/scoped by the tenant column entity/);
  });

  it('recognises the French tables and passes over the look-alikes', () => {
    const picks = Object.fromEntries(
      (['company', 'contact', 'staffUser', 'proposal', 'invoice', 'payment', 'task', 'document', 'comment', 'activityLog'] as const).map(
        (id) => [id, conceptOf(report, id).chosenTable],
      ),
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
    // Supplier invoices, invoice templates, line items, PDF models, bank accounts, dictionaries and
    // extension tables are never chosen for anything; orders only for orders.
    // The invoice templates are the recurring invoices' pick, checked below.
    const chosen = report.concepts
      .filter((c) => c.id !== 'recurringInvoices')
      .map((c) => c.chosenTable)
      .filter(Boolean);
    for (const decoy of [
      'llx_facture_fourn',
      'llx_facture_rec',
      'llx_facturedet',
      'llx_propaldet',
      'llx_propal_extrafields',
      'llx_document_model',
      'llx_bank_account',
      'llx_c_typent',
      'llx_societe_extrafields',
      'llx_mailing',
      'llx_notify',
      'llx_paiement_facture',
    ]) {
      expect(chosen, decoy).to.not.include(`public.${decoy}`);
    }
    expect(report.concepts.filter((c) => c.chosenTable === 'public.llx_commande').map((c) => c.id)).to.deep.equal(['salesOrder']);
  });

  it('takes the invoice templates for recurring invoices only', () => {
    expect(report.concepts.filter((c) => c.chosenTable === 'public.llx_facture_rec').map((c) => c.id)).to.deep.equal(['recurringInvoices']);
  });

  it('reports client login and passwords as existing, with llx_societe_account.pass_crypted as evidence', () => {
    const credentials = conceptOf(report, 'clientCredentials');
    expect(credentials.status).to.equal('exists');
    expect(credentials.chosenTable).to.equal('public.llx_societe_account');
    expect(credentials.evidence.find((e) => e.ref === 'public.llx_societe_account.pass_crypted')?.detail).to.match(/password-like column/);
    expect(statuses(report, ['A1', 'A2', 'A3', 'A4a', 'A4b', 'D1'])).to.deep.equal({
      A1: 'exists',
      A2: 'exists',
      A3: 'exists',
      A4a: 'exists',
      A4b: 'missing',
      D1: 'exists',
    });
    expect(evidenceRefs(answerOf(report, 'A1'))).to.include('public.llx_societe_account.pass_crypted');
    expect(answerOf(report, 'A1').decision.kind).to.equal('keep');
    // The staff table also links to companies (external users): seen, not chosen.
    expect(credentials.candidates.find((c) => c.table === 'public.llx_user')?.confidence).to.be.below(credentials.confidence);
  });

  it('reports comments as existing on the polymorphic llx_comment', () => {
    const comment = conceptOf(report, 'comment');
    expect(comment.status).to.equal('exists');
    expect(comment.notes.join(' ')).to.match(/element_type\/fk_element/);
  });

  it('reads the proposal status and online signatures from the proposal table', () => {
    const acceptance = conceptOf(report, 'acceptance');
    expect(acceptance.status).to.equal('exists');
    expect(acceptance.evidence.map((e) => e.ref)).to.include.members(['public.llx_propal.fk_statut', 'public.llx_propal.date_signature']);
    expect(conceptOf(report, 'signature').notes.join(' ')).to.match(/client signs online/);
    expect(statuses(report, ['B1', 'B4', 'C4'])).to.deep.equal({ B1: 'exists', B4: 'exists', C4: 'exists' });
  });

  it('keeps quotations as a low-confidence reuse of the proposal table', () => {
    const quotation = conceptOf(report, 'quotation');
    expect(quotation.chosenTable).to.equal('public.llx_propal');
    expect(quotation.lowConfidence).to.equal(true);
    expect(quotation.notes.join(' ')).to.match(/same table was chosen for proposals/);
  });

  it('finds payment methods and shared files as the client would use them', () => {
    expect(evidenceRefs(answerOf(report, 'B5'))).to.include('public.llx_c_paiement');
    expect(answerOf(report, 'B7').status).to.equal('exists');
    expect(evidenceRefs(answerOf(report, 'B7'))).to.include('public.llx_ecm_files.share');
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
    expect(credentials?.note).to.match(/llx_societe_account/);
  });

  it('notes, for the dolibarr binding, that it reads payments through the invoice link table the audit did not pick', async () => {
    const own = await runAudit({ databaseUrl: db!.url, adapter: 'dolibarr' });
    expect(own.adapterClaims.find((c) => c.table === 'public.llx_paiement_facture')?.note).to.match(
      /the audit chose public\.llx_paiement for it/,
    );
  });
});
