// The approvals section over HTTP against the reference CRM: the agency shares a design (the
// seeded homepage design, version 1); the client sees it inline, asks for changes with a comment
// and a point on it; staff share version 2 from the CRM's page (multipart, CSRF token first);
// the client approves version 2, and every decision is evidence (who, when, from where, the
// SHA-256 of exactly the file decided) kept in the portal and on the CRM's record. A decision on
// a version that is no longer the latest, or a second one on a version, is refused (409); another
// company gets 404; forms are refused with a reason (400). A PDF is shown in a frame of the
// portal's own file route, which the page's CSP allows.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import { homepageDesign } from '../../../../plugins/reference-crm/seed-approvals.ts';
import { simplePdf } from '../../../../plugins/reference-crm/seed.ts';
import { approvalsPersonalData } from '../personal-data.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('client approvals', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let priya: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let designId: number;
  let designUrl: string;

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  const decide = async (agent: typeof maria, form: Record<string, string>, status: number) => {
    const page = (await agent.get(designUrl).expect(200)).text;
    return agent
      .post(`${designUrl}/decision`)
      .set('User-Agent', 'Approvals test browser')
      .type('form')
      .send({ _csrf: csrfFrom(page), ...form })
      .expect(status);
  };
  /** Staff share the next version from the CRM's approval page. */
  const shareNext = async (file: Buffer, filename: string, contentType: string, message: string) => {
    const staff = await signedInStaffAgent(h, 'demo');
    const page = (await staff.get(`/approvals/${designId}`).expect(200)).text;
    await staff
      .post(`/approvals/${designId}/versions`)
      .field('_csrf', csrfFrom(page))
      .field('message', message)
      .attach('file', file, { filename, contentType })
      .expect(303);
  };

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    designId = (await h.crm.db('approval_requests').where({ workspace_id: workspaceId, title: 'Homepage design' }).first('id')).id;
    designUrl = `/portal/demo/approvals/${designId}`;
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await setSettings({ show_approvals: true });
  });
  afterEach(async function () {
    await h.crm
      .db('portal_approval_decisions')
      .where({ workspace_id: String(workspaceId) })
      .delete();
    await h.crm.db('approval_decisions').where({ workspace_id: workspaceId }).delete();
    await h.crm.db('approval_versions').where({ workspace_id: workspaceId, request_id: designId }).where('number', '>', 1).delete();
    await h.crm
      .db('approval_requests')
      .where({ workspace_id: workspaceId, id: designId })
      .update({ latest_version: 1, status: 'awaiting' });
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('is a 404 while the section is off, and has no navigation entry', async function () {
    await setSettings({ show_approvals: false });
    await maria.get('/portal/demo/approvals').expect(404);
    await maria.get(designUrl).expect(404);
    await maria.get(`${designUrl}/versions/1/file`).expect(404);
    const home = (await maria.get('/portal/demo/').expect(200)).text;
    expect(home).to.not.contain('/portal/demo/approvals"');
  });

  it('lists the work with a search, and shows version 1 inline from a same-origin file route', async function () {
    const list = (await maria.get('/portal/demo/approvals').expect(200)).text;
    expect(list).to.contain('Homepage design').and.contain('Awaiting your decision');
    expect((await maria.get('/portal/demo/approvals?q=homepage').expect(200)).text).to.contain('Homepage design');
    expect((await maria.get('/portal/demo/approvals?q=brochure').expect(200)).text).to.not.contain('Homepage design');
    const page = (await maria.get(designUrl).expect(200)).text;
    expect(page).to.contain(`<img src="${designUrl}/versions/1/file"`);
    expect(page).to.contain('name="pointX" type="number" min="0" max="100"');
    const file = await maria.get(`${designUrl}/versions/1/file`).expect(200);
    expect(file.headers['content-type']).to.equal('image/png');
    expect(file.headers['content-disposition']).to.match(/^inline; filename="homepage-design-v1.png"/);
    expect(file.headers['content-security-policy']).to.contain("frame-ancestors 'self'");
    expect(file.headers['x-content-type-options']).to.equal('nosniff');
    expect(sha256(file.body as Buffer)).to.equal(sha256(homepageDesign()));
    const saved = await maria.get(`${designUrl}/versions/1/file?download=1`).expect(200);
    expect(saved.headers['content-disposition']).to.match(/^attachment;/);
    await maria.get(`${designUrl}/versions/1/file?download=yes`).expect(400);
    await maria.get(`${designUrl}/versions/9/file`).expect(404);
  });

  it('asks for changes on version 1 with a point, approves version 2, and keeps both as evidence', async function () {
    await decide(
      maria,
      { version: '1', outcome: 'changes_requested', comment: 'Make the hero <b>darker</b>.', pointX: '40', pointY: '25' },
      303,
    );
    const afterChanges = (await maria.get(designUrl).expect(200)).text;
    expect(afterChanges).to.contain('Changes requested').and.contain('Make the hero &lt;b&gt;darker&lt;/b&gt;.');
    expect(afterChanges).to.contain(sha256(homepageDesign()));
    expect(afterChanges).to.contain('<circle cx="40%" cy="25%"');
    expect(afterChanges, 'no form once decided').to.not.contain('name="outcome"');

    const v2 = homepageDesign([15, 23, 42]);
    await shareNext(v2, 'homepage-design-v2.png', 'image/png', 'A darker hero.');
    await decide(maria, { version: '2', outcome: 'approved' }, 303);

    const rows = await h.crm
      .db('portal_approval_decisions')
      .where({ workspace_id: String(workspaceId) })
      .orderBy('version');
    expect(rows.map((r) => [r.version, r.outcome, r.file_sha256])).to.deep.equal([
      [1, 'changes_requested', sha256(homepageDesign())],
      [2, 'approved', sha256(v2)],
    ]);
    expect(rows[0].decided_by).to.equal('Maria García');
    expect(Number(rows[0].point_x)).to.equal(0.4);
    expect(rows[0].point_page, 'an image has no pages').to.equal(null);
    expect(rows[1]).to.have.property('ip');
    expect(rows[1].user_agent).to.equal('Approvals test browser');
    // The CRM's record shows each decision; its status follows the latest.
    const crm = await h.crm.db('approval_decisions').where({ workspace_id: workspaceId, request_id: designId }).orderBy('version_number');
    expect(crm.map((r) => [r.version_number, r.outcome, r.file_sha256])).to.deep.equal(
      rows.map((r) => [r.version, r.outcome, r.file_sha256]),
    );
    expect((await h.crm.db('approval_requests').where({ id: designId }).first('status')).status).to.equal('approved');
    const staffPage = (await (await signedInStaffAgent(h, 'demo')).get(`/approvals/${designId}`).expect(200)).text;
    expect(staffPage).to.contain(sha256(v2)).and.contain('Maria García');
    expect(staffPage, 'the evidence names the browser beside the IP').to.contain(
      '<dd class="evidence-user-agent">Approvals test browser</dd>',
    );
    // The agency is notified from the activity log.
    const events = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(workspaceId) })
      .whereLike('event', 'approval.%')
      .orderBy('created_at');
    expect(events.map((e) => e.event)).to.deep.equal(['approval.changes_requested', 'approval.approved']);

    const page = (await maria.get(designUrl).expect(200)).text;
    expect(page).to.contain('Approved').and.contain('Earlier versions').and.contain('Version 1');
  });

  it('refuses a decision on a version that is no longer the latest, and a second one on a version (409)', async function () {
    const page = (await maria.get(designUrl).expect(200)).text;
    await shareNext(homepageDesign([200, 30, 30]), 'homepage-design-v2.png', 'image/png', 'Red.');
    const stale = await maria
      .post(`${designUrl}/decision`)
      .type('form')
      .send({ _csrf: csrfFrom(page), version: '1', outcome: 'approved' })
      .expect(409);
    expect(stale.text).to.contain('A newer version was shared in the meantime');
    await decide(maria, { version: '2', outcome: 'approved' }, 303);
    const again = await maria
      .post(`${designUrl}/decision`)
      .type('form')
      .send({ _csrf: csrfFrom(page), version: '2', outcome: 'approved' })
      .expect(409);
    expect(again.text).to.contain('This version already has a decision');
    expect(
      await h.crm
        .db('portal_approval_decisions')
        .where({ workspace_id: String(workspaceId) })
        .count('* as n')
        .first(),
    ).to.deep.equal({ n: 1 });
  });

  it('refuses a form with a reason and keeps what was typed (400)', async function () {
    const noComment = await decide(maria, { version: '1', outcome: 'changes_requested' }, 400);
    expect(noComment.text).to.contain('Say what should change.');
    const half = await decide(maria, { version: '1', outcome: 'changes_requested', comment: 'Here', pointX: '50' }, 400);
    expect(half.text).to.contain('Enter both numbers for the point, or neither.').and.contain('>Here</textarea>');
    const far = await decide(maria, { version: '1', outcome: 'changes_requested', comment: 'Here', pointX: '150', pointY: '2' }, 400);
    expect(far.text).to.contain('Enter a number from 0 to 100.');
    await decide(maria, { version: 'x', outcome: 'approved' }, 400);
    await decide(maria, { version: '1', outcome: 'maybe' }, 400);
    expect(
      await h.crm
        .db('portal_approval_decisions')
        .where({ workspace_id: String(workspaceId) })
        .count('* as n')
        .first(),
    ).to.deep.equal({ n: 0 });
  });

  it("is a 404 for another company's client, on the page, the file and the decision", async function () {
    await priya.get(designUrl).expect(404);
    await priya.get(`${designUrl}/versions/1/file`).expect(404);
    const own = (await priya.get('/portal/demo/approvals').expect(200)).text;
    expect(own).to.not.contain('Homepage design');
    const csrf = csrfFrom(own);
    await priya.post(`${designUrl}/decision`).type('form').send({ _csrf: csrf, version: '1', outcome: 'approved' }).expect(404);
  });

  it('shows a PDF version in a frame the page allows, with the page number of the point', async function () {
    const pdf = simplePdf('Brochure proof', ['Page one of the brochure.']);
    await shareNext(pdf, 'brochure.pdf', 'application/pdf', 'The brochure as a PDF proof.');
    const res = await maria.get(designUrl).expect(200);
    expect(res.text).to.contain(`<iframe class="approval-view__pdf" src="${designUrl}/versions/2/file"`);
    expect(res.headers['content-security-policy']).to.contain("frame-src 'self'");
    const file = await maria.get(`${designUrl}/versions/2/file`).expect(200);
    expect(file.headers['content-type']).to.equal('application/pdf');
    expect(file.headers['content-disposition']).to.match(/^inline;/);
    expect(file.headers['x-frame-options']).to.equal('SAMEORIGIN');
    await decide(maria, { version: '2', outcome: 'changes_requested', comment: 'Typo', pointX: '10', pointY: '90', pointPage: '2' }, 303);
    const row = await h.crm
      .db('portal_approval_decisions')
      .where({ workspace_id: String(workspaceId), version: 2 })
      .first();
    expect(row.point_page).to.equal(2);
    expect(row.file_sha256).to.equal(sha256(pdf));
    expect((await maria.get(designUrl).expect(200)).text).to.contain('On page 2, at 10 % across, 90 % down');
  });

  it("exports a person's decisions, and an erasure keeps each decision without the person", async function () {
    await decide(maria, { version: '1', outcome: 'changes_requested', comment: 'Bigger logo', pointX: '5', pointY: '5' }, 303);
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first();
    const hook = approvalsPersonalData({ db: h.crm.db });
    const exported = await hook.export({ workspaceId: String(workspaceId), user } as Parameters<typeof hook.export>[0]);
    const json = exported.entries?.[0] as { path: string; json: { decisions: Array<Record<string, unknown>> } };
    expect(json.path).to.equal('approvals.json');
    expect(json.json.decisions).to.have.length(1);
    expect(json.json.decisions[0]).to.include({
      outcome: 'changes_requested',
      comment: 'Bigger logo',
      fileSha256: sha256(homepageDesign()),
    });
    const erased = await h.crm.db.transaction((trx) =>
      hook.erase(trx, {
        workspaceId: String(workspaceId),
        id: user.id,
        contactId: user.contact_id,
        clientId: user.client_id,
        email: user.email,
      }),
    );
    expect(erased.counts).to.deep.equal({ approvalDecisions: 1 });
    const row = await h.crm
      .db('portal_approval_decisions')
      .where({ workspace_id: String(workspaceId) })
      .first();
    expect(row).to.include({
      client_user_id: null,
      contact_id: null,
      decided_by: 'Former contact',
      ip: null,
      user_agent: null,
      outcome: 'changes_requested',
    });
  });
});
