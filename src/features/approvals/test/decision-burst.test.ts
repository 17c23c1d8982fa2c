// Many decisions on one approval at once, by one signed-in client, on the reference CRM booted as
// `npm start` boots it (its pool and database bounds): exactly one decision is recorded, every
// other answer is the "already decided" refusal (409), never a server error, and another
// company's client reading its invoice list meanwhile is answered. A double click (two at once)
// is the smallest such burst; decisions from several browsers at once meet only in the database.
import { expect } from 'chai';
import { databaseBoundsFrom } from '../../../index.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness, demoLogin } from '../../../../test/support/portal-harness.ts';

describe('decisions sent at once on one approval', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let designId: number;
  let designUrl: string;

  const login = (email: string) => demoLogin(h, email);
  const decisionsRecorded = async () => ({
    portal: Number(
      (await h.crm
        .db('portal_approval_decisions')
        .where({ workspace_id: String(workspaceId) })
        .count('* as n')
        .first())!.n,
    ),
    crm: Number(
      (await h.crm.db('approval_decisions').where({ workspace_id: workspaceId, request_id: designId }).count('* as n').first())!.n,
    ),
  });
  /** `count` decisions posted together from the page as the client saw it (by `browsers` in turn); their answers. */
  const decideAtOnce = async (count: number, browsers = [maria]) => {
    const csrf = await Promise.all(browsers.map(async (browser) => csrfFrom((await browser.get(designUrl).expect(200)).text)));
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        browsers[i % browsers.length]!.post(`${designUrl}/decision`)
          .type('form')
          .send({
            _csrf: csrf[i % browsers.length],
            version: '1',
            outcome: i % 2 === 0 ? 'approved' : 'changes_requested',
            comment: `Burst ${i}`,
          })
          .then((res) => ({ status: res.status, text: res.text })),
      ),
    );
  };

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness({ boot: { databaseBounds: databaseBoundsFrom({}) } });
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    designId = (await h.crm.db('approval_requests').where({ workspace_id: workspaceId, title: 'Homepage design' }).first('id')).id;
    designUrl = `/portal/demo/approvals/${designId}`;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_approvals: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  afterEach(async function () {
    await h.crm
      .db('portal_approval_decisions')
      .where({ workspace_id: String(workspaceId) })
      .delete();
    await h.crm.db('approval_decisions').where({ workspace_id: workspaceId }).delete();
    await h.crm.db('approval_requests').where({ workspace_id: workspaceId, id: designId }).update({ status: 'awaiting' });
  });

  it('records one of forty, refuses the rest as already decided, and keeps serving another company', async function () {
    this.timeout(60_000);
    let bursting = true;
    const burst = decideAtOnce(40).finally(() => {
      bursting = false;
    });
    const otherCompany: number[] = [];
    const readInvoices = async () => {
      do otherCompany.push((await priya.get('/portal/demo/invoices')).status);
      while (bursting);
    };
    const [answers] = await Promise.all([burst, readInvoices()]);

    const statuses = answers.map((a) => a.status);
    expect(
      statuses.filter((s) => s === 303),
      `statuses: ${statuses.join(' ')}`,
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s !== 303 && s !== 409),
      `statuses: ${statuses.join(' ')}`,
    ).to.deep.equal([]);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.text).to.contain('This version already has a decision');
    expect(await decisionsRecorded()).to.deep.equal({ portal: 1, crm: 1 });
    expect(otherCompany, 'the other company read its invoice list').to.not.be.empty;
    expect(otherCompany.filter((s) => s !== 200)).to.deep.equal([]);
  });

  it('records one of the decisions sent at once from four browsers, and refuses the others as already decided', async function () {
    // Each browser its own session: nothing lines them up before the database does.
    const browsers = await Promise.all([1, 2, 3, 4].map(() => signedInAgent(h.agent(), 'demo', login('maria@northwind.test'))));
    const answers = await decideAtOnce(4, browsers);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([303, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.text).to.contain('This version already has a decision');
    expect(await decisionsRecorded()).to.deep.equal({ portal: 1, crm: 1 });
  });

  it('answers a double click with the decision and one "already decided" page', async function () {
    const statuses = (await decideAtOnce(2)).map((a) => a.status).sort();
    expect(statuses).to.deep.equal([303, 409]);
    expect(await decisionsRecorded()).to.deep.equal({ portal: 1, crm: 1 });
  });
});
