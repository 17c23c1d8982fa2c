// Covers ContractsPort on Dolibarr's real schema (its contract card's rules, from the schema dumps
// and Dolibarr 23's Contrat, ContratLigne and Fichinter classes): the company's validated
// contracts (llx_contrat.statut 1), never a draft or another company's; their service lines in
// order; a line counted in hours (its unit one of time, llx_c_units) allows qty hours over its term
// (opening to end of validity) and uses the durations (seconds) of the contract's interventions past
// draft dated within it, only the company's own; the entries behind it are those intervention
// lines, their editor HTML read as text. Dolibarr links an intervention to a contract, never to a
// line: a contract's hours lines make one allowance (10 h and 5 h: 15 h), each intervention
// counted once against it.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { ContractsPort } from '../../src/features/contracts/port.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();

describe('dolibarr binding: contracts and the hours of their interventions', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let port: ContractsPort;
  const ws = '1';
  let bakery: string;
  const today = new Date().toISOString().slice(0, 10);
  const first = `${today.slice(0, 8)}01`;
  const last = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const lastMonth = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 15)).toISOString().slice(0, 10);
  const ids = {} as Record<'contract' | 'hours' | 'hosting' | 'draft' | 'garage' | 'pooled' | 'support' | 'maintenance', number>;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    port = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug, dataRoot: host.dataRoot }).contracts!;
    const { db, seed } = host;
    bakery = String(seed.companies.bakery);
    const id = async (table: string, row: Record<string, unknown>) => Number((await db(table).insert(row).returning('rowid'))[0].rowid);
    const hour = await id('llx_c_units', {
      code: 'H',
      sortorder: 1,
      scale: 3600,
      label: 'Hour',
      short_label: 'h',
      unit_type: 'time',
      active: 1,
    });
    const contract = (fk_soc: number, ref: string, statut: number) =>
      id('llx_contrat', {
        ref,
        entity: 1,
        fk_soc,
        statut,
        datec: `${first} 09:00:00`,
        date_contrat: `${first} 00:00:00`,
        fk_user_author: seed.users.admin,
      });
    ids.contract = await contract(seed.companies.bakery, 'CT2611-0001', 1);
    ids.draft = await contract(seed.companies.bakery, 'CT2611-0002', 0);
    ids.garage = await contract(seed.companies.garage, 'CT2611-0003', 1);
    const line = (fk_contrat: number, label: string, qty: number, fk_unit: number | null, rang: number) =>
      id('llx_contratdet', {
        fk_contrat,
        label,
        description: `<p>${label} <b>for the month</b></p>`,
        qty,
        fk_unit,
        statut: 4,
        rang,
        date_ouverture: `${first} 00:00:00`,
        date_fin_validite: `${last} 00:00:00`,
        fk_user_author: seed.users.admin,
      });
    ids.hours = await line(ids.contract, 'Support hours', 10, hour, 1);
    ids.hosting = await line(ids.contract, 'Managed hosting', 1, null, 2);
    await line(ids.garage, 'Garage hours', 5, hour, 1);
    const intervention = (fk_soc: number, fk_contrat: number, ref: string, fk_statut: number) =>
      id('llx_fichinter', { fk_soc, fk_contrat, ref, entity: 1, fk_statut, datec: `${first} 09:00:00`, fk_user_author: seed.users.staff });
    const work = (fk_fichinter: number, date: string, duree: number, description: string) =>
      id('llx_fichinterdet', { fk_fichinter, date: `${date} 10:00:00`, duree, description });
    const validated = await intervention(seed.companies.bakery, ids.contract, 'FI2611-0001', 1);
    await work(validated, first, 7200, '<p>Plugin updates and checks</p>');
    await work(validated, today, 12600, '<p>New landing page &amp; <em>spring</em> offer</p>');
    await work(validated, today, 7200, 'Search fix on the shop');
    await work(validated, lastMonth, 3600, 'Before the term');
    const draft = await intervention(seed.companies.bakery, ids.contract, 'FI2611-0002', 0);
    await work(draft, today, 3600, 'Draft intervention');
    const garage = await intervention(seed.companies.garage, ids.contract, 'FI2611-0003', 1);
    await work(garage, today, 3600, 'Garage intervention on the wrong contract');
    // A contract with a 10 h and a 5 h line (Contrat::addline, unit hour) and 7.5 h of work in two
    // interventions linked to the contract (Fichinter's fk_contrat: no line named).
    ids.pooled = await contract(seed.companies.bakery, 'CT2611-0004', 1);
    ids.support = await line(ids.pooled, 'Support hours', 10, hour, 1);
    // A free line, as Contrat::addline writes one: its text in the description, no label.
    ids.maintenance = await id('llx_contratdet', {
      fk_contrat: ids.pooled,
      description: 'Maintenance hours',
      qty: 5,
      fk_unit: hour,
      statut: 4,
      rang: 2,
      date_ouverture: `${first} 00:00:00`,
      date_fin_validite: `${last} 00:00:00`,
      fk_user_author: seed.users.admin,
    });
    const pooledWork = await intervention(seed.companies.bakery, ids.pooled, 'FI2611-0004', 1);
    await work(pooledWork, first, 18000, 'Server move');
    const more = await intervention(seed.companies.bakery, ids.pooled, 'FI2611-0005', 2);
    await work(more, today, 9000, 'Backups checked');
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('lists the validated contract with 7.5 of 10 hours used over the line’s term', async function () {
    const contracts = await port.list(ws, bakery, today);
    expect(contracts.map((c) => c.reference)).to.have.members(['CT2611-0001', 'CT2611-0004']);
    const contract = contracts.find((c) => c.reference === 'CT2611-0001');
    expect(contract!.state).to.equal('active');
    expect(contract!.lines.map((l) => l.name)).to.deep.equal(['Support hours', 'Managed hosting']);
    const hours = contract!.lines[0]!;
    expect(hours.allowance).to.deep.include({ measure: 'hours', total: 10, used: 7.5, periodStart: first });
    expect(hours.description).to.equal('Support hours for the month');
    expect(contract!.lines[1]!.allowance).to.equal(null);
    expect(contract!.lines[1]!.quantity).to.equal(1);
  });

  it('gives the term as the one period, and the intervention lines behind it as text', async function () {
    const history = await port.history(ws, bakery, String(ids.contract), String(ids.hours), today, 12);
    expect(history!.periods).to.have.length(1);
    expect(history!.periods[0]).to.deep.include({ start: first, total: 10, used: 7.5 });
    const entries = await port.entries(ws, bakery, String(ids.contract), String(ids.hours), history!.periods[0]!);
    expect(entries!.map((e) => [e.description, e.amount])).to.deep.equal([
      ['Plugin updates and checks', 2],
      ['New landing page & spring offer', 3.5],
      ['Search fix on the shop', 2],
    ]);
    expect(await port.history(ws, bakery, String(ids.contract), String(ids.hosting), today, 12)).to.equal(null);
  });

  it('counts a contract’s interventions once against all its hours lines: 7.5 of 15 hours', async function () {
    const contract = await port.find(ws, bakery, String(ids.pooled), today);
    const allowances = contract!.lines.filter((l) => l.allowance !== null);
    expect(allowances.map((l) => [l.id, l.name, l.allowance!.total, l.allowance!.used])).to.deep.equal([
      [String(ids.support), 'Support hours + Maintenance hours', 15, 7.5],
    ]);
    expect(allowances[0]!.allowance).to.deep.include({ measure: 'hours', periodStart: first });
    // Each line says what it allows; only the contract knows what was used.
    expect(contract!.lines.map((l) => [l.name, l.description, l.quantity])).to.deep.equal([
      ['Support hours + Maintenance hours', null, null],
      ['Maintenance hours', null, 5],
    ]);
    const history = await port.history(ws, bakery, String(ids.pooled), String(ids.support), today, 12);
    expect(history!.periods.map((p) => [p.start, p.total, p.used])).to.deep.equal([[first, 15, 7.5]]);
    const entries = await port.entries(ws, bakery, String(ids.pooled), String(ids.support), history!.periods[0]!);
    expect(entries!.map((e) => [e.description, e.amount])).to.deep.equal([
      ['Server move', 5],
      ['Backups checked', 2.5],
    ]);
    expect(await port.history(ws, bakery, String(ids.pooled), String(ids.maintenance), today, 12)).to.equal(null);
  });

  it("never finds a draft, another company's contract or a line of it", async function () {
    expect(await port.find(ws, bakery, String(ids.draft), today)).to.equal(null);
    expect(await port.find(ws, bakery, String(ids.garage), today)).to.equal(null);
    expect(await port.history(ws, String(host.seed.companies.garage), String(ids.contract), String(ids.hours), today, 12)).to.equal(null);
    expect(
      await port.entries(ws, String(host.seed.companies.garage), String(ids.contract), String(ids.hours), {
        start: '2000-01-01',
        end: '2100-01-01',
      }),
    ).to.equal(null);
    expect(await port.list('2', bakery, today)).to.deep.equal([]);
    const garage = await port.list(ws, String(host.seed.companies.garage), today);
    expect(garage.map((c) => c.reference)).to.deep.equal(['CT2611-0003']);
    expect(garage[0]!.lines[0]!.allowance!.used, 'no intervention of the garage is on its own contract').to.equal(0);
  });
});
