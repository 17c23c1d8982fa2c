// Covers the audit of the reference CRM (the demo host): which host tables it picks, the status
// and decision of every report question, that its adapter's claims agree with the schema, and that
// the portal's own tables, once installed, are listed apart and change no answer about the host.
import { expect } from 'chai';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { answerOf, conceptOf, evidenceRefs, statuses } from '../support/audit-assertions.ts';
import type { TestDatabase } from '../support/database.ts';
import { createHostDatabase } from '../support/host-fixtures.ts';

describe('audit: reference CRM', () => {
  let db: TestDatabase;
  let report: AuditReport;

  before(async () => {
    db = await createHostDatabase('reference-crm');
    report = await runAudit({ databaseUrl: db.url, adapter: 'reference-crm' });
  });
  after(async () => db?.drop());

  it('picks the host tables for each kind of data, with high confidence', () => {
    const picks = Object.fromEntries(
      (['workspace', 'company', 'contact', 'staffUser', 'proposal', 'quotation', 'invoice', 'payment', 'task', 'document'] as const).map(
        (id) => [id, conceptOf(report, id).chosenTable],
      ),
    );
    expect(picks).to.deep.equal({
      workspace: 'public.workspaces',
      company: 'public.clients',
      contact: 'public.contacts',
      staffUser: 'public.staff_users',
      proposal: 'public.proposals',
      quotation: 'public.quotations',
      invoice: 'public.invoices',
      payment: 'public.payments',
      task: 'public.tasks',
      document: 'public.documents',
    });
    for (const id of ['proposal', 'invoice', 'task', 'document'] as const) {
      expect(conceptOf(report, id).lowConfidence, id).to.equal(false);
      expect(conceptOf(report, id).status, id).to.equal('exists');
    }
    expect(report.database.tenant).to.include({ column: 'workspace_id', table: 'public.workspaces' });
  });

  it('finds no client login, messaging, public pages, admin control or activity log', () => {
    expect(statuses(report, ['A1', 'A2', 'A4a', 'A4b', 'B8', 'C1', 'C2', 'C3', 'D1', 'D2', 'F1', 'F2', 'F3'])).to.deep.equal({
      A1: 'missing',
      A2: 'missing',
      A4a: 'missing',
      A4b: 'missing',
      B8: 'missing',
      C1: 'missing',
      C2: 'missing',
      C3: 'missing',
      D1: 'missing',
      D2: 'missing',
      F1: 'missing',
      F2: 'missing',
      F3: 'missing',
    });
    for (const id of ['clientCredentials', 'comment', 'activityLog', 'portalSettings', 'publicLinks'] as const) {
      expect(conceptOf(report, id).status, id).to.equal('missing');
    }
    // Staff passwords are not client login, and the report says why it looked at them.
    const a1 = answerOf(report, 'A1');
    expect(a1.evidence.some((e) => e.ref === 'public.staff_users' && /staff/.test(e.detail))).to.equal(true);
    expect(a1.decision.kind).to.equal('add');
    expect(a1.decision.text).to.match(/client_users/);
  });

  it('treats proposals, quotations, invoices, tasks and documents as host data the portal completes', () => {
    expect(statuses(report, ['B1', 'B2', 'B3', 'B6', 'B7'])).to.deep.equal({
      B1: 'partial',
      B2: 'partial',
      B3: 'partial',
      B6: 'partial',
      B7: 'partial',
    });
    expect(evidenceRefs(answerOf(report, 'B1'))).to.include('public.proposals');
    expect(answerOf(report, 'B1').decision.kind).to.equal('complete');
    expect(answerOf(report, 'B1').decision.text).to.match(/public\.proposals/);
    expect(answerOf(report, 'B7').evidence.some((e) => e.ref === 'public.documents.shared_with_client')).to.equal(true);
  });

  it('reads acceptance states from check constraints and scopes lookups by workspace', () => {
    const acceptance = conceptOf(report, 'acceptance');
    expect(acceptance.status).to.equal('exists');
    expect(acceptance.evidence.map((e) => e.detail).join(' ')).to.match(/accepted, declined/);
    expect(answerOf(report, 'C4').status).to.equal('partial');
    expect(answerOf(report, 'D3').status).to.equal('exists');
    expect(answerOf(report, 'D3').evidence.some((e) => e.kind === 'index')).to.equal(true);
    expect(conceptOf(report, 'payment').evidence.some((e) => /integer cents/.test(e.detail))).to.equal(true);
  });

  it('answers every question of the report, with evidence and a decision', () => {
    const ids = report.answers.map((a) => a.id);
    expect(ids).to.deep.equal([
      'A1',
      'A2',
      'A3',
      'A4a',
      'A4b',
      'A5',
      'B1',
      'B2',
      'B3',
      'B4',
      'B5',
      'B6',
      'B7',
      'B8',
      'B9',
      'B10',
      'B11',
      'B12',
      'B13',
      'B14',
      'B15',
      'B16',
      'B17',
      'B18',
      'C1',
      'C2',
      'C3',
      'C4',
      'D1',
      'D2',
      'D3',
      'D4',
      'D5',
      'E1',
      'E2',
      'E3',
      'E4',
      'F1',
      'F2',
      'F3',
    ]);
    for (const a of report.answers) {
      expect(a.evidence, a.id).to.not.be.empty;
      expect(a.decision.text, a.id).to.not.equal('');
    }
    // Routes are not guessed without --app-url.
    expect(statuses(report, ['E1', 'E2', 'E3', 'E4'])).to.deep.equal({
      E1: 'not_checked',
      E2: 'not_checked',
      E3: 'not_checked',
      E4: 'not_checked',
    });
  });

  it('finds every claim of the reference-crm adapter consistent with the schema', () => {
    expect(report.adapter.name).to.equal('reference-crm');
    expect(report.adapterClaims.filter((c) => !c.agrees)).to.deep.equal([]);
  });

  it('ignores the portal tables when judging the host, and lists them as installed by the portal', async () => {
    const withPortal = await createHostDatabase('reference-crm+portal');
    try {
      const after = await runAudit({ databaseUrl: withPortal.url, adapter: 'reference-crm' });
      expect(after.ignoredTables.installedByPortal.map((t) => t.table)).to.include.members([
        'public.client_users',
        'public.client_activity_logs',
        'public.workspace_client_portal_settings',
        'public.portal_owned_tables',
      ]);
      expect(after.ignoredTables.bookkeeping).to.include.members(['public.portal_knex_migrations', 'public.crm_knex_migrations']);
      expect(after.pluginPlan.tables.every((t) => t.state === 'installed')).to.equal(true);
      // client_users has a password column and client_activity_logs is an activity log, but they are ours.
      expect(after.answers.map((a) => [a.id, a.status])).to.deep.equal(report.answers.map((a) => [a.id, a.status]));
      expect(after.database.hostTables).to.equal(report.database.hostTables);
    } finally {
      await withPortal.drop();
    }
  });

  it('plans to create every portal table on a host where the portal is not installed', () => {
    expect(report.pluginPlan.tables.map((t) => t.state)).to.satisfy((states: string[]) => states.every((s) => s === 'will_create'));
    expect(report.pluginPlan.routes.map((r) => r.mount)).to.deep.equal([
      '/portal/:workspaceSlug',
      '/settings/client-portal',
      '/client-portal/notifications',
    ]);
  });
});
