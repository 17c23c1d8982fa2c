// The contracts section over HTTP against the reference CRM's demo: Northwind's support contract
// shows "7.5 of 10 hours used" this month, with what is left and a labelled meter, on its pages and
// on the dashboard; the line's page
// lists the months before and, only where the agency shows them, the entries behind a month; another
// company's contract, a draft, and the section switched off are 404s; a period not in the list is
// refused in words.
import { expect } from 'chai';
import {
  signedInAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

describe('client contracts', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let contractId: number;
  let lineId: number;

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    contractId = (await h.crm.db('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id')).id;
    lineId = (
      await h.crm.db('contract_lines').where({ workspace_id: workspaceId, contract_id: contractId, name: 'Support hours' }).first('id')
    ).id;
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await setSettings({ show_contracts: true, show_time_entries_to_clients: false });
  });
  afterEach(async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('is a 404 while the section is off (its default), and has no navigation entry', async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    await maria.get('/portal/demo/contracts').expect(404);
    await maria.get(`/portal/demo/contracts/${contractId}`).expect(404);
    await maria.get(`/portal/demo/contracts/${contractId}/lines/${lineId}`).expect(404);
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    expect(home).to.not.contain('/portal/demo/contracts"');
  });

  it('lists the contract with 7.5 of 10 hours used this month, what is left and a labelled meter', async function () {
    const page = (await maria.get('/portal/demo/contracts').expect(200)).text;
    expect(page).to.contain('Website care and support');
    expect(page).to.contain('CT-2026-001');
    expect(page).to.contain('7.5 of 10 hours used');
    expect(page).to.contain('2.5 hours left');
    expect(page).to.match(/<meter[^>]*max="10"[^>]*value="7.5"[^>]*aria-labelledby="[^"]+"/);
    expect(page).to.contain('Managed hosting');
    const one = (await maria.get(`/portal/demo/contracts/${contractId}`).expect(200)).text;
    expect(one).to.contain('7.5 of 10 hours used');
    expect(one).to.contain(`/portal/demo/contracts/${contractId}/lines/${lineId}`);
  });

  it('shows the hours left of each running allowance on the dashboard, and nothing of it while the section is off', async function () {
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    expect(home).to.contain('Hours left').and.contain('7.5 of 10 hours used').and.contain('2.5 hours left');
    expect(home).to.contain(`/portal/demo/contracts/${contractId}/lines/${lineId}`);
    await setSettings({ show_contracts: false });
    expect((await maria.get('/portal/demo/').expect(200)).text).to.not.contain('Hours left');
  });

  it('shows the months before, and the entries behind a month only where the agency shows them', async function () {
    const totals = (await maria.get(`/portal/demo/contracts/${contractId}/lines/${lineId}`).expect(200)).text;
    expect(totals).to.contain('9 of 10 hours used');
    expect(totals).to.contain('6.5 of 10 hours used');
    expect(totals).to.not.contain('New landing page for the spring offer');
    expect(totals).to.contain('We show the totals here');

    await setSettings({ show_contracts: true, show_time_entries_to_clients: true });
    const entries = (await maria.get(`/portal/demo/contracts/${contractId}/lines/${lineId}`).expect(200)).text;
    expect(entries).to.contain('New landing page for the spring offer');
    expect(entries).to.contain('3.5 hours');
    expect(entries).to.not.contain('Checkout form fixes');
    const start = /href="[^"]*\?period=(\d{4}-\d{2}-\d{2})"/g;
    const periods = [...entries.matchAll(start)].map((m) => m[1]);
    expect(periods).to.have.length(3);
    const before = (await maria.get(`/portal/demo/contracts/${contractId}/lines/${lineId}?period=${periods[1]}`).expect(200)).text;
    expect(before).to.contain('Checkout form fixes');
    expect(before).to.not.contain('New landing page for the spring offer');
  });

  it('downloads the period shown as CSV: BOM, RFC 4180 quoting, formulas guarded, ISO dates, hours with a dot', async function () {
    const lineUrl = `/portal/demo/contracts/${contractId}/lines/${lineId}`;
    await maria.get(`${lineUrl}/entries.csv`).expect(404); // the agency shows no entries: no file either
    expect((await maria.get(lineUrl).expect(200)).text).to.not.contain('entries.csv');

    await setSettings({ show_contracts: true, show_time_entries_to_clients: true });
    const page = (await maria.get(lineUrl).expect(200)).text;
    const period = /href="[^"]*\?period=(\d{4}-\d{2}-\d{2})"/.exec(page)![1]!;
    expect(page).to.contain(`href="${lineUrl}/entries.csv"`);
    const [entry] = await h.crm
      .db('time_entries')
      .insert({
        workspace_id: workspaceId,
        contract_line_id: lineId,
        work_date: period,
        amount: 1.25,
        description: '=HYPERLINK("http://evil.test","Müller, line\ntwo")',
      })
      .returning('id');
    try {
      const res = await maria
        .get(`${lineUrl}/entries.csv?period=${period}`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (chunk: Buffer) => chunks.push(chunk));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      const [year, month] = period.split('-').map(Number) as [number, number];
      const lastDay = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
      expect(res.headers['content-disposition']).to.equal(`attachment; filename="time-entries-CT-2026-001-${period}-${lastDay}.csv"`);
      const body = res.body as Buffer;
      expect([...body.subarray(0, 3)], 'UTF-8 byte order mark').to.deep.equal([0xef, 0xbb, 0xbf]);
      const text = body.toString('utf8').slice(1);
      const lines = text.split('\r\n');
      expect(lines[0]).to.equal('Date,Hours,What was done,By');
      expect(text).to.contain(`${period},1.25,"'=HYPERLINK(""http://evil.test"",""Müller, line\ntwo"")",`);
      expect(text).to.match(/\d{4}-\d{2}-\d{2},3\.5,New landing page for the spring offer,/);
      expect(text.endsWith('\r\n')).to.equal(true);

      const german = await maria.get(`${lineUrl}/entries.csv?period=${period}`).set('Accept-Language', 'de').expect(200);
      expect(german.text.slice(1).split('\r\n')[0]).to.equal('Datum,Stunden,Was gemacht wurde,Von');
      expect(german.text, 'a dot in every language').to.contain(',1.25,');

      await priya.get(`${lineUrl}/entries.csv`).expect(404);
      await maria.get(`${lineUrl}/entries.csv?period=2001-01-01`).expect(404);
      expect((await maria.get(`${lineUrl}/entries.csv?period=soon`).expect(400)).text).to.contain('Choose a period from the list.');
    } finally {
      await h.crm
        .db('time_entries')
        .where({ id: (entry as { id: number }).id })
        .delete();
    }
  });

  it("finds a contract by a word of its name, its number or a line's name, and says when none matches", async function () {
    for (const q of ['care', 'CT-2026', 'WEBSITE CARE']) {
      const found = (await maria.get(`/portal/demo/contracts?${new URLSearchParams({ q })}`).expect(200)).text;
      expect(found, q).to.contain('Website care and support');
      expect(found, q).to.contain('1 result for');
    }
    const none = (await maria.get('/portal/demo/contracts?q=submarine').expect(200)).text;
    expect(none).to.contain('Nothing matches “submarine”').and.not.contain('Website care and support');
    expect(none).to.contain('href="/portal/demo/contracts"');
    const long = await maria.get(`/portal/demo/contracts?q=${'x'.repeat(101)}`).expect(400);
    expect(long.text).to.contain('A search is at most 100 characters.');
  });

  it('refuses a period that is not one of the list, in words', async function () {
    const bad = await maria.get(`/portal/demo/contracts/${contractId}/lines/${lineId}?period=soon`).expect(400);
    expect(bad.text).to.contain('Choose a period from the list.');
    await maria.get(`/portal/demo/contracts/${contractId}/lines/${lineId}?period=2001-01-01`).expect(404);
  });

  it("never shows another company's contract, a draft, or a line of another contract", async function () {
    await priya.get(`/portal/demo/contracts/${contractId}`).expect(404);
    await priya.get(`/portal/demo/contracts/${contractId}/lines/${lineId}`).expect(404);
    const list = (await priya.get('/portal/demo/contracts').expect(200)).text;
    expect(list).to.not.contain('Website care and support');
    await h.crm.db('contracts').where({ workspace_id: workspaceId, id: contractId }).update({ status: 'draft' });
    try {
      await maria.get(`/portal/demo/contracts/${contractId}`).expect(404);
      expect((await maria.get('/portal/demo/contracts').expect(200)).text).to.not.contain('Website care and support');
    } finally {
      await h.crm.db('contracts').where({ workspace_id: workspaceId, id: contractId }).update({ status: 'active' });
    }
    await maria.get(`/portal/demo/contracts/${contractId}/lines/99999`).expect(404);
    await maria.get('/portal/demo/contracts/not%20an%20id').expect(404);
  });
});
