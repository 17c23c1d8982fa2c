// Covers the findings for a client's saved payment methods (mandates, card tokens, provider
// customer ids) and for recurring invoices, on real schemas: Dolibarr's (llx_societe_rib with its
// mandate reference rum and date_rum; llx_facture_rec with frequency, unit_frequency and date_when,
// a next date the name does not state, so it asks), Invoice Ninja's seeded with its sample
// (client_gateway_tokens; recurring_invoices with next_send_date and frequency_id, whose unit it
// asks for), the Odoo model's payment_token, Alga PSA's billing cycles (periods without amounts: partial) and Tryton's, which keeps
// neither. Each schema is skipped, saying why, where it cannot be loaded.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { AuditReport } from '../../audit/report-schema.ts';
import { runAudit } from '../../audit/run-audit.ts';
import { conceptOf } from '../support/audit-assertions.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';
import { createHostDatabase } from '../support/host-fixtures.ts';

const SAMPLE = join(process.env.CRM_SCHEMAS_DIR ?? join(import.meta.dirname, '../../../shared/crm-schemas'), 'invoiceninja-sample.sql');

const evidenceRefs = (finding: { evidence: { ref: string }[] }) => finding.evidence.map((e) => e.ref);

/** The schemas built here need only a PostgreSQL server; the shared ones need their file too. */
const serverOnly = () =>
  process.env.DATABASE_URL ? null : 'the real schemas are loaded on a real PostgreSQL server only (DATABASE_URL unset)';

function audited(file: string, load: () => Promise<TestDatabase>, skipReason = () => realSchemaSkipReason(file)) {
  const state: { report?: AuditReport; db?: TestDatabase } = {};
  before(async function () {
    const reason = skipReason();
    // Skipped only where this schema cannot be loaded (no PostgreSQL server, or its schema file is
    // missing): `reason` says which, printed here; CI's PostgreSQL pass loads every one.
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    state.db = await load();
    state.report = await runAudit({ databaseUrl: state.db.url });
  });
  after(async () => state.db?.drop());
  return () => {
    if (!state.report) throw new Error(`${file} was not audited`);
    return state.report;
  };
}

describe('audit: saved payment methods and recurring invoices', function () {
  this.timeout(300_000);

  describe("on Dolibarr's real schema", () => {
    const report = audited('dolibarr.sql', () => loadRealSchema('dolibarr.sql'));

    it("finds the clients' SEPA mandates and saved cards in llx_societe_rib, reported and not imported", () => {
      const saved = conceptOf(report(), 'savedPaymentMethods');
      expect(saved).to.include({ status: 'exists', chosenTable: 'public.llx_societe_rib' });
      expect(evidenceRefs(saved)).to.include.members(['public.llx_societe_rib.rum', 'public.llx_societe_rib.date_rum']);
      expect(saved.notes.join(' ')).to.match(/not imported/);
    });

    it('finds llx_facture_rec with its frequency, unit and amount, and asks whether date_when is the next date', () => {
      const recurring = conceptOf(report(), 'recurringInvoices');
      expect(recurring).to.include({ chosenTable: 'public.llx_facture_rec' });
      expect(recurring.status).to.be.oneOf(['exists', 'unsure']);
      expect(evidenceRefs(recurring)).to.include.members([
        'public.llx_facture_rec.frequency',
        'public.llx_facture_rec.unit_frequency',
        'public.llx_facture_rec.date_when',
      ]);
      expect(recurring.notes.join(' ')).to.match(/question: is public\.llx_facture_rec\.date_when the date the next invoice is issued/);
      expect(recurring.notes.join(' ')).to.match(/question: which values of public\.llx_facture_rec\.unit_frequency/);
    });
  });

  describe("on Invoice Ninja's schema with its sample", () => {
    const report = audited(
      'invoiceninja.sql',
      async () => {
        const db = await loadRealSchema('invoiceninja.sql', BUILT_SCHEMAS_DIR);
        await promisify(execFile)('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', '-f', SAMPLE, db.url]);
        return db;
      },
      () => realSchemaSkipReason('invoiceninja-sample.sql'),
    );

    it("finds the clients' gateway tokens", () => {
      const saved = conceptOf(report(), 'savedPaymentMethods');
      expect(saved).to.include({ status: 'exists', chosenTable: 'public.client_gateway_tokens' });
      expect(evidenceRefs(saved)).to.include('public.client_gateway_tokens.token');
    });

    it('finds recurring_invoices with its next send date, and asks what unit frequency_id is in', () => {
      const recurring = conceptOf(report(), 'recurringInvoices');
      expect(recurring).to.include({ chosenTable: 'public.recurring_invoices' });
      expect(recurring.status).to.be.oneOf(['exists', 'unsure']);
      expect(evidenceRefs(recurring)).to.include.members([
        'public.recurring_invoices.frequency_id',
        'public.recurring_invoices.next_send_date',
        'public.recurring_invoices.amount',
      ]);
      expect(recurring.notes.join(' ')).to.match(/question: what unit is public\.recurring_invoices\.frequency_id in/);
    });
  });

  describe("on Alga PSA's real schema", () => {
    const report = audited('alga-psa.sql', () => loadRealSchema('alga-psa.sql'));

    it('reads client_billing_cycles as periods without amounts: partial', () => {
      const recurring = conceptOf(report(), 'recurringInvoices');
      expect(recurring).to.include({ chosenTable: 'public.client_billing_cycles' });
      expect(recurring.status).to.be.oneOf(['partial', 'unsure']);
      expect(recurring.notes.join(' ')).to.match(/without an amount/);
    });
  });

  describe('on the schema modeled on Odoo', () => {
    const report = audited('odoo', () => createHostDatabase('odoo'), serverOnly);

    it("finds payment_token, a payment table named for the partners' saved tokens", () => {
      const saved = conceptOf(report(), 'savedPaymentMethods');
      expect(saved).to.include({ status: 'exists', chosenTable: 'public.payment_token' });
      expect(evidenceRefs(saved)).to.include('public.payment_token.provider_ref');
    });
  });

  describe("on Tryton's schema, which keeps neither", () => {
    const report = audited('tryton.sql', () => loadRealSchema('tryton.sql', BUILT_SCHEMAS_DIR), serverOnly);

    it('reports both missing, saying what was looked at', () => {
      for (const id of ['savedPaymentMethods', 'recurringInvoices'] as const) {
        const finding = conceptOf(report(), id);
        expect(finding, id).to.include({ status: 'missing', chosenTable: null });
        expect(finding.evidence.map((e) => e.kind)).to.deep.equal(['absence']);
      }
    });
  });
});
