// What comes next beside a real Alga PSA database: the next invoices of a client, read in one
// statement from the ledger Alga's billing runs from (recurring_service_periods), with rows as
// Alga's materialization writes them (schedule_key and period_key as recurringServicePeriodKeys.ts
// builds them, source_rule_version as the client-cadence and contract-cadence materializations word
// it) under client contracts as its contract wizard leaves them (a client-owned contract, its
// lines, the client_contracts row). One invoice per invoice window, as Alga's due work groups them:
// named by the contracts it bills, dated by the window's first day, every month for the client's
// monthly cycle and every three months for a line on a quarterly contract cadence, soonest first, at
// most three, and never an amount (Alga computes it at generation). Left out: a window already
// open (the agency's due work, not what comes), a period skipped or superseded, an assignment
// inactive or ended before the window, Alga's system-managed default contract, another client's
// and another tenant's; an assignment ending on the window's first day still has its last invoice.
// Over HTTP the invoice list and the payment methods page show the day and say the amount is set
// when the invoice is issued, with no figure.
import { expect } from 'chai';
import request from 'supertest';
import { formattersFor } from '../../src/core/i18n/formatters.ts';
import type { UpcomingInvoice } from '../../src/features/invoices/port.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { countQueries } from '../support/query-counter.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';

const reason = unavailable();

/** A 'YYYY-MM-DD' day `days` later (earlier when negative). */
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The first day of the month `months` after `day`'s. */
const monthStart = (day: string, months: number) =>
  new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 + months, 1)).toISOString().slice(0, 10);
/** `day` `months` later, its day of the month kept (the days used here are at most the 15th). */
const addMonths = (day: string, months: number) =>
  new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 + months, Number(day.slice(8, 10)))).toISOString().slice(0, 10);

describe('alga-psa binding: what comes next, from the billing periods of the client contracts', function () {
  this.timeout(240_000);
  let host: AlgaHost;
  let tenant: string;
  let bakery: string;
  // The UTC day, as Alga's server counts it; the months ahead of it (m1 always after today).
  const today = new Date().toISOString().slice(0, 10);
  const m = (k: number) => monthStart(today, k);
  /** The quarterly contract's anchor: its assignment's day of the month, the 15th. */
  const q = addDays(m(1), 14);
  const ids = {} as Record<'oldHosting' | 'ended' | 'monitoring', string>;
  /** Adds a service period (the set-up's `period`, kept for the tests). */
  let addPeriod: (
    lineId: string,
    cadence: 'client' | 'contract',
    due: 'advance' | 'arrears',
    service: [string, string],
    window: [string, string],
  ) => Promise<void>;

  const upcoming = (clientId = bakery, workspaceId = tenant) => host.adapter().invoices!.upcoming!(workspaceId, clientId);

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    tenant = seed.tenant;
    bakery = seed.clients.bakery;

    /** A client-owned contract and its assignment, as Alga's contract wizard writes them. */
    const contract = async (
      client_id: string,
      contract_name: string,
      assignment: Record<string, unknown> = {},
      fields: Record<string, unknown> = {},
    ) => {
      const [c] = await db('contracts')
        .insert({ tenant, contract_name, status: 'active', is_template: false, owner_client_id: client_id, is_active: true, ...fields })
        .returning('contract_id');
      const [cc] = await db('client_contracts')
        .insert({ tenant, client_id, contract_id: c.contract_id, start_date: m(-2), is_active: true, ...assignment })
        .returning('client_contract_id');
      return { contractId: c.contract_id as string, clientContractId: cc.client_contract_id as string };
    };
    const line = async (
      contract_id: string,
      contract_line_name: string,
      timing: { cadence_owner: 'client' | 'contract'; billing_timing: 'advance' | 'arrears'; billing_frequency?: string },
    ) =>
      (
        await db('contract_lines')
          .insert({
            tenant,
            contract_id,
            contract_line_name,
            is_template: false,
            contract_line_type: 'Fixed',
            billing_frequency: 'monthly',
            ...timing,
          })
          .returning('contract_line_id')
      )[0].contract_line_id as string;
    /** A service period of a line due in an invoice window, as Alga's materialization writes it. */
    const period = async (
      lineId: string,
      cadence: 'client' | 'contract',
      due: 'advance' | 'arrears',
      service: [string, string],
      window: [string, string],
      state = 'generated',
    ) => {
      const obligationType = cadence === 'client' ? 'client_contract_line' : 'contract_line';
      await db('recurring_service_periods').insert({
        tenant,
        schedule_key: `schedule:${tenant}:${obligationType}:${lineId}:${cadence}:${due}`,
        period_key: `period:${service[0]}:${service[1]}`,
        obligation_id: lineId,
        obligation_type: obligationType,
        charge_family: 'fixed',
        cadence_owner: cadence,
        due_position: due,
        lifecycle_state: state,
        service_period_start: service[0],
        service_period_end: service[1],
        invoice_window_start: window[0],
        invoice_window_end: window[1],
        provenance_kind: 'generated',
        source_rule_version:
          cadence === 'client'
            ? 'client_schedule|monthly|dom:1|moy:none|dow:none|ref:none'
            : `contract_cadence|billing_cycle:quarterly|anchor:${addMonths(q, -3)}|due:${due}`,
        source_run_key: `test-materialization:${lineId}`,
      });
    };
    addPeriod = period;
    const monthly = (k: number): [string, string] => [m(k), m(k + 1)];
    const client = { cadence_owner: 'client', billing_frequency: 'monthly' } as const;

    // The bakery's monthly support: a retainer billed in arrears and monitoring billed in advance,
    // both due in the windows of the client's monthly cycle.
    const support = await contract(bakery, 'Managed support');
    const retainer = await line(support.contractId, 'Support retainer', { ...client, billing_timing: 'arrears' });
    const monitoring = await line(support.contractId, 'Monitoring', { ...client, billing_timing: 'advance' });
    ids.monitoring = monitoring;
    for (const k of [0, 1, 2, 3]) await period(retainer, 'client', 'arrears', monthly(k), monthly(k + 1));
    for (const k of [1, 2, 3, 4]) await period(monitoring, 'client', 'advance', monthly(k), monthly(k));
    // The window already open: due work for the agency, not what comes next.
    await period(monitoring, 'client', 'advance', monthly(0), monthly(0));
    const hosting = await contract(bakery, 'Website hosting');
    const hostingLine = await line(hosting.contractId, 'Hosting', { ...client, billing_timing: 'advance' });
    await period(hostingLine, 'client', 'advance', monthly(1), monthly(1));
    // Ends on the first day of next month's window: its last month is still invoiced then.
    const final = await contract(bakery, 'Final month', { end_date: m(1) });
    const finalLine = await line(final.contractId, 'Final month line', { ...client, billing_timing: 'arrears' });
    await period(finalLine, 'client', 'arrears', monthly(0), monthly(1));

    // A quarterly backup on the contract's own cadence, from its assignment on the 15th: its
    // current quarter already open, the next one from the 15th of next month.
    const backup = await contract(bakery, 'Quarterly backup', { start_date: addMonths(q, -3) });
    const backupLine = await line(backup.contractId, 'Offsite backup', {
      cadence_owner: 'contract',
      billing_timing: 'advance',
      billing_frequency: 'quarterly',
    });
    await period(backupLine, 'contract', 'advance', [addMonths(q, -3), q], [addMonths(q, -3), q]);
    await period(backupLine, 'contract', 'advance', [q, addMonths(q, 3)], [q, addMonths(q, 3)]);
    // Its quarter as first materialized from the 1st, superseded when the assignment moved to the 15th.
    await period(backupLine, 'contract', 'advance', [m(1), m(4)], [m(1), m(4)], 'superseded');
    // A month the agency skipped (skipOrDeferRecurringServicePeriod): not invoiced.
    const paused = await contract(bakery, 'Paused support');
    const pausedLine = await line(paused.contractId, 'Paused retainer', { ...client, billing_timing: 'advance' });
    await period(pausedLine, 'client', 'advance', monthly(1), monthly(1), 'skipped');

    // Never the bakery's next invoice: an inactive assignment, one ended before the window, Alga's
    // system-managed default contract, and the garage's contract.
    const oldHosting = await contract(bakery, 'Old hosting', { is_active: false });
    ids.oldHosting = oldHosting.clientContractId;
    const oldLine = await line(oldHosting.contractId, 'Old hosting line', { ...client, billing_timing: 'advance' });
    await period(oldLine, 'client', 'advance', monthly(1), monthly(1));
    const ended = await contract(bakery, 'Ended maintenance', { end_date: addDays(m(0), -1) });
    ids.ended = ended.clientContractId;
    const endedLine = await line(ended.contractId, 'Maintenance', { ...client, billing_timing: 'advance' });
    await period(endedLine, 'client', 'advance', monthly(1), monthly(1));
    const fallback = await contract(bakery, 'System default contract', {}, { is_system_managed_default: true });
    const fallbackLine = await line(fallback.contractId, 'Unassigned work', { ...client, billing_timing: 'arrears' });
    await period(fallbackLine, 'client', 'arrears', monthly(0), monthly(1));
    const garage = await contract(seed.clients.garage, 'Garage care');
    const garageLine = await line(garage.contractId, 'Garage monitoring', { ...client, billing_timing: 'advance' });
    await period(garageLine, 'client', 'advance', [addDays(m(1), 1), addDays(m(1), 15)], [addDays(m(1), 1), addDays(m(1), 15)]);
    await db('clients').where({ tenant, client_id: seed.clients.garage }).update({ billing_cycle: 'bi-weekly' });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('names the next three windows of the client, soonest first, without an amount, in one statement', async function () {
    const counter = countQueries();
    let shown: UpcomingInvoice[] = [];
    try {
      const { count, sql } = await counter.measure(async () => {
        shown = await upcoming();
      });
      expect(count, sql.join('\n')).to.equal(1);
    } finally {
      counter.stop();
    }
    expect(shown).to.deep.equal([
      {
        id: `${m(1)}/${m(2)}`,
        title: 'Final month, Managed support, Website hosting',
        nextDate: m(1),
        amountCents: null,
        currency: null,
        frequency: { every: 1, unit: 'month' },
      },
      {
        id: `${q}/${addMonths(q, 3)}`,
        title: 'Quarterly backup',
        nextDate: q,
        amountCents: null,
        currency: null,
        frequency: { every: 3, unit: 'month' },
      },
      {
        id: `${m(2)}/${m(3)}`,
        title: 'Managed support',
        nextDate: m(2),
        amountCents: null,
        currency: null,
        frequency: { every: 1, unit: 'month' },
      },
    ]);
  });

  it('shows the garage its own on its own cycle, and nothing across tenants or to a malformed id', async function () {
    const { seed } = host;
    expect(await upcoming(seed.clients.garage)).to.deep.equal([
      {
        id: `${addDays(m(1), 1)}/${addDays(m(1), 15)}`,
        title: 'Garage care',
        nextDate: addDays(m(1), 1),
        amountCents: null,
        currency: null,
        frequency: { every: 2, unit: 'week' },
      },
    ]);
    expect(await upcoming(bakery, seed.otherTenant)).to.deep.equal([]);
    expect(await upcoming(seed.clients.otherTenantClient)).to.deep.equal([]);
    expect(await upcoming('not-a-uuid')).to.deep.equal([]);
    // An inactive client's contracts are not the portal's.
    await host.db('clients').where({ tenant, client_id: seed.clients.garage }).update({ is_inactive: true });
    try {
      expect(await upcoming(seed.clients.garage)).to.deep.equal([]);
    } finally {
      await host.db('clients').where({ tenant, client_id: seed.clients.garage }).update({ is_inactive: false });
    }
  });

  it('leaves out a window that opens today: it is open, the agency’s due work', async function () {
    const window: [string, string] = [today, addDays(today, 10)];
    await addPeriod(ids.monitoring, 'client', 'advance', window, window);
    try {
      const shown = await upcoming();
      expect(shown.map((invoice) => invoice.nextDate)).to.not.include(today);
      expect(shown[0]?.nextDate).to.equal(m(1));
    } finally {
      await host.db('recurring_service_periods').where({ tenant, obligation_id: ids.monitoring, invoice_window_start: today }).delete();
    }
  });

  it('shows an assignment once Alga makes it active again, and one whose end moves past the window', async function () {
    const { db } = host;
    await db('client_contracts').where({ tenant, client_contract_id: ids.oldHosting }).update({ is_active: true });
    await db('client_contracts').where({ tenant, client_contract_id: ids.ended }).update({ end_date: null });
    try {
      const [next] = await upcoming();
      expect(next?.title).to.equal('Ended maintenance, Final month, Managed support, Old hosting, Website hosting');
    } finally {
      await db('client_contracts').where({ tenant, client_contract_id: ids.oldHosting }).update({ is_active: false });
      await db('client_contracts')
        .where({ tenant, client_contract_id: ids.ended })
        .update({ end_date: addDays(m(0), -1) });
    }
  });

  describe('over HTTP', function () {
    let running: PortalOnHost;
    let claire: ReturnType<typeof request.agent>;
    let base: string;
    const day = (date: string) => formattersFor('en', 'UTC').day(date);

    before(async function () {
      // As above: no real Alga PSA database here (no psql or DATABASE_URL); CI's PostgreSQL pass runs it.
      if (reason) this.skip();
      const { db, seed } = host;
      const started = await portalBesideAlga(host, { serve: true });
      running = started.running;
      base = `/portal/${started.slug}`;
      // The agency pays online through the demo provider and lets clients switch autopay on.
      await db('workspace_client_portal_settings')
        .insert({ workspace_id: seed.tenant, allow_online_payments: true })
        .onConflict('workspace_id')
        .merge();
      await db('portal_payment_settings')
        .insert({ workspace_id: seed.tenant, online_provider: 'demo', autopay_allowed: true })
        .onConflict('workspace_id')
        .merge(['online_provider', 'autopay_allowed']);
      await running.portal.workspaceChanged(seed.tenant);
      claire = await signedInAgent(request.agent(running.url), started.slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD });
    });
    after(async function () {
      await running?.close();
    });

    it('names the next invoice under the invoice list heading with its day and no amount', async function () {
      const list = await claire.get(`${base}/invoices`).expect(200);
      expect(/id="next-invoice">([^<]*)</.exec(list.text)?.[1]).to.equal(
        `Next invoice: Final month, Managed support, Website hosting, on ${day(m(1))}; its amount is set when it is issued.`,
      );
    });

    it('lists the next three on the payment methods page by day and frequency, saying when the amount is set', async function () {
      const page = await claire.get(`${base}/payment-methods`).expect(200);
      const section = page.text.slice(page.text.indexOf('id="upcoming-title"'), page.text.indexOf('id="upcoming-payer"') + 200);
      expect(section)
        .to.include('Coming next')
        .and.include('Final month, Managed support, Website hosting')
        .and.include(`On ${day(m(1))}; the amount is set when the invoice is issued.`)
        .and.include('Quarterly backup')
        .and.include(`On ${day(q)}; the amount is set when the invoice is issued.`)
        .and.include('Every month')
        .and.include('Every 3 months')
        .and.include('Autopay is off: you pay it yourself once it is issued.');
      // No figure at all: no currency sign, no amount.
      expect(section).not.to.match(/\$|USD|\d+\.\d\d/);
      const german = await claire.get(`${base}/payment-methods`).set('Accept-Language', 'de').expect(200);
      expect(german.text).to.include(`Am ${formattersFor('de', 'UTC').day(m(1))}; der Betrag wird bei der Rechnungsstellung festgelegt.`);
    });
  });
});
