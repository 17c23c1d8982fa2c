// Covers the contract and device staff pages: a client's devices and contracts from its page; a
// contract with its lines, the hours used this period and the entries behind them; a time entry
// recorded against a line (post/redirect/get), its hours also written with a decimal comma ("1,5"), refused with a reason (400) for bad input or a line
// of another contract, and 403 without the CSRF token; 404 across workspaces. Reaching 80 % and
// 100 % of an allowance this period tells the plugins once each (recordChanged, kind contract);
// other work on a running contract (dated in another period, on a line without an allowance) is
// reported with nothing to tell, so the portal reads the client's hours again. Staff change a
// line's allowance on the same page (post/redirect/get, "12,5" taken), refused with a reason for a
// line without one or a bad figure, and the portal reads the contract again.
import { expect } from 'chai';
import type { CrmRecordChange } from '../../plugins/reference-crm/crm-plugin.ts';
import { ACME_ADMIN, csrfFrom, DEMO_MEMBER, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM contract and device pages', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;
  let acme: SignedIn;
  let client: number;
  let contract: number;
  let support: number;
  let hosting: number;
  const told: CrmRecordChange[] = [];
  const today = new Date().toISOString().slice(0, 10);

  before(async function () {
    crm = await startCrm({ plugins: [{ recordChanged: async (change) => void told.push(change) }] });
    demo = await signIn(crm.app, DEMO_MEMBER);
    acme = await signIn(crm.app, ACME_ADMIN);
    client = await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo');
    contract = await idOf(crm.db, 'contracts', { number: 'CT-2026-001' }, 'demo');
    support = await idOf(crm.db, 'contract_lines', { contract_id: contract, name: 'Support hours' }, 'demo');
    hosting = await idOf(crm.db, 'contract_lines', { contract_id: contract, name: 'Managed hosting' }, 'demo');
  });

  after(async function () {
    await crm?.close();
  });

  const record = async (form: Record<string, string>, status: number) => {
    const page = await demo.agent.get(`/contracts/${contract}`).expect(200);
    return demo.agent
      .post(`/contracts/${contract}/time-entries`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...form })
      .expect(status);
  };

  it('links a client’s contracts and devices from its page, and lists them', async function () {
    const page = textOf((await demo.agent.get(`/clients/${client}`).expect(200)).text);
    expect(page).to.include('Contracts').and.include('Devices');
    const devices = textOf((await demo.agent.get(`/clients/${client}/devices`).expect(200)).text);
    expect(devices).to.include('Web server').and.include('SRV-7731-K').and.include('Data centre, rack 4');
    const contracts = textOf((await demo.agent.get(`/clients/${client}/contracts`).expect(200)).text);
    expect(contracts).to.include('CT-2026-001').and.include('Website care and support').and.include('Active');
  });

  it('shows a contract’s lines with the hours used this period and the entries behind them', async function () {
    const page = textOf((await demo.agent.get(`/contracts/${contract}`).expect(200)).text);
    expect(page).to.include('Support hours — 10 hours a month 7.5 of 10');
    expect(page).to.include('New landing page for the spring offer');
    expect(page).to.not.include('Set-up of the staging site'); // two months ago
    expect(page).to.include('Managed hosting 1 — —');
  });

  it('ends this period on its last day, as the client reads it, not on the day after', async function () {
    const page = textOf((await demo.agent.get(`/contracts/${contract}`).expect(200)).text);
    const first = `${today.slice(0, 8)}01`;
    const [year, month] = today.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    expect(page).to.include(`${first} – ${last}`);
  });

  it('is not found from another workspace', async function () {
    await acme.agent.get(`/contracts/${contract}`).expect(404);
    await acme.agent.get(`/clients/${client}/contracts`).expect(404);
    await acme.agent.get(`/clients/${client}/devices`).expect(404);
    const page = await acme.agent.get('/').expect(200);
    await acme.agent
      .post(`/contracts/${contract}/time-entries`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lineId: String(support), day: today, amount: '1', description: '' })
      .expect(404);
  });

  it('refuses bad input with a reason, a line of another contract, and a post without the CSRF token', async function () {
    const bad = await record({ lineId: String(support), day: '2026-02-30', amount: '-1', description: '' }, 400);
    expect(textOf(bad.text)).to.include('Enter the day as a real date').and.include('Enter the hours or units as a number');
    const other = await record({ lineId: '999999', day: today, amount: '1', description: '' }, 400);
    expect(textOf(other.text)).to.include('Choose the line the work counts against.');
    await demo.agent
      .post(`/contracts/${contract}/time-entries`)
      .type('form')
      .send({ lineId: String(support), day: today, amount: '1' })
      .expect(403);
    expect(told).to.deep.equal([]);
  });

  it('takes hours written with a decimal comma, as German staff write them, and refuses a thousands separator', async function () {
    const entries = () => crm.db('time_entries').where({ contract_line_id: hosting }).orderBy('id').pluck('amount');
    const before = await entries();
    await record({ lineId: String(hosting), day: today, amount: '1,5', description: 'Komma' }, 303);
    await record({ lineId: String(hosting), day: today, amount: ' 2,25 ', description: 'Komma und Leerzeichen' }, 303);
    expect((await entries()).slice(before.length).map(Number)).to.deep.equal([1.5, 2.25]);
    const refused = await record({ lineId: String(hosting), day: today, amount: '1,500', description: '' }, 400);
    expect(textOf(refused.text)).to.include('Enter the hours or units as a number, for example 1.5 or 1,5.');
    expect(refused.text).to.contain('value="1,500"');
    expect(await entries()).to.have.length(before.length + 2);
    told.length = 0;
  });

  it('records time (post/redirect/get) and tells the plugins when the allowance reaches 80 % and 100 % this period, once each', async function () {
    const lastMonth = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 15)).toISOString().slice(0, 10);
    await record({ lineId: String(support), day: lastMonth, amount: '5', description: 'Late entry' }, 303); // another period
    await record({ lineId: String(hosting), day: today, amount: '3', description: 'Server move' }, 303); // no allowance
    const workspaceId = String(
      await crm
        .db('workspaces')
        .where({ slug: 'demo' })
        .first('id')
        .then((w) => w.id),
    );
    const changed = { workspaceId, clientId: String(client), kind: 'contract', id: String(contract) };
    expect(told, 'changed, nothing to tell').to.deep.equal([changed, changed]);
    told.length = 0;
    const saved = await record({ lineId: String(support), day: today, amount: '0.5', description: 'Form fix' }, 303);
    expect(saved.headers.location).to.equal(`/contracts/${contract}`);
    await record({ lineId: String(support), day: today, amount: '1', description: 'More fixes' }, 303);
    await record({ lineId: String(support), day: today, amount: '1', description: 'Last fixes' }, 303);
    const period = `${today.slice(0, 8)}01`;
    const reached = (threshold: number) => ({
      workspaceId,
      clientId: String(client),
      kind: 'contract',
      id: String(contract),
      happened: 'reached',
      title: 'Support hours',
      number: String(threshold),
      occurrence: `line:${support}:${period}:${threshold}`,
    });
    // 8 of 10 (80 %), 9 of 10 (80 % again: the portal tells each occurrence once), 10 of 10 (100 %).
    expect(told).to.deep.equal([reached(80), reached(80), reached(100)]);
    const page = textOf((await demo.agent.get(`/contracts/${contract}`).expect(200)).text);
    expect(page).to.include('10 of 10').and.include('Form fix');
  });

  it('changes a line’s allowance (post/redirect/get), refuses a line without one, and tells the plugins', async function () {
    const change = async (form: Record<string, string>, status: number) => {
      const page = await demo.agent.get(`/contracts/${contract}`).expect(200);
      return demo.agent
        .post(`/contracts/${contract}/allowance`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), ...form })
        .expect(status);
    };
    const allowance = () =>
      crm
        .db('contract_lines')
        .where({ id: support })
        .first('allowance')
        .then((row) => Number(row.allowance));
    const before = await allowance();
    told.length = 0;
    const refused = await change({ allowanceLineId: String(support), allowance: '1.234,5' }, 400);
    expect(textOf(refused.text)).to.include('Enter the allowance as a number, for example 12 or 12,5.');
    expect(refused.text).to.contain('value="1.234,5"');
    const noAllowance = await change({ allowanceLineId: String(hosting), allowance: '5' }, 400);
    expect(textOf(noAllowance.text)).to.include('Choose the line whose allowance changes.');
    expect(await allowance()).to.equal(before);
    expect(told).to.deep.equal([]);
    await acme.agent
      .post(`/contracts/${contract}/allowance`)
      .type('form')
      .send({ _csrf: csrfFrom((await acme.agent.get('/').expect(200)).text), allowanceLineId: String(support), allowance: '50' })
      .expect(404);

    const saved = await change({ allowanceLineId: String(support), allowance: '12,5' }, 303);
    expect(saved.headers.location).to.equal(`/contracts/${contract}#allowance-title`);
    expect(await allowance()).to.equal(12.5);
    expect(told.map((t) => `${t.kind} ${t.id}`)).to.deep.equal([`contract ${contract}`]);
    expect(textOf((await demo.agent.get(`/contracts/${contract}`).expect(200)).text)).to.include('Support hours — 12.5 hours a month');
    await crm.db('contract_lines').where({ id: support }).update({ allowance: before });
  });
});
