// Approvals the portal keeps, beside a host that keeps only their files and events
// (HostApprovalFilesPort): the reference CRM with its own approvals taken away and a stand-in
// document store on disk (test/support/disk-approval-files.ts). Staff share work from the portal's
// admin page; the client sees version 1, asks for changes, staff share version 2, the client
// approves it, and the host's event names version 2's SHA-256. Each version shared asks the people
// who may see approvals once; a share the host fails leaves neither file nor row; a refused form
// comes back (400) with its messages in the staff member's language; any staff member of the
// workspace may share; another client, another workspace's staff, a switched-off section and a
// role without approvals get 404. The personal-data hook exports the decisions on kept work and an
// erasure leaves the agency's work as it was.
import { expect } from 'chai';
import type { HostAdapter } from '../../../core/index.ts';
import { homepageDesign } from '../../../../plugins/reference-crm/seed-approvals.ts';
import { type DiskApprovalFiles, diskApprovalFiles, referenceCrmKnows } from '../../../../test/support/disk-approval-files.ts';
import { keptApprovalsRoundTrip, sha256, shareKeptApproval } from '../../../../test/support/kept-approvals-flow.ts';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import { withPortalKeptApprovals } from '../index.ts';
import { approvalsPersonalData } from '../personal-data.ts';
import { countQueries } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';

const ADMIN = '/settings/client-portal';
const BASE = '/portal/demo';

describe('approvals the portal keeps, beside a host that keeps their files', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let files: DiskApprovalFiles;
  let workspaceId: string;
  let northwind: string;
  let maria: { id: string; client_id: string; contact_id: string };
  let client: ReturnType<PortalHarness['agent']>;
  let staff: ReturnType<PortalHarness['agent']>;

  const login = (email: string) => demoLogin(h, email);
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  const keptRows = async () => ({
    approvals: Number((await h.crm.db('portal_kept_approvals').count('* as n').first())!.n),
    versions: Number((await h.crm.db('portal_kept_approval_versions').count('* as n').first())!.n),
  });
  const png = homepageDesign();

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness({
      enabledFor: ['demo', 'acme'],
      boot: {
        // The reference CRM as a host without approvals of its own, keeping their files on disk.
        hostAdapter: (adapter) => {
          files = diskApprovalFiles(referenceCrmKnows(adapter));
          const { approvals: _own, ...rest } = adapter;
          return { ...rest, approvalFiles: files };
        },
      },
    });
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    maria = await h.crm
      .db('client_users')
      .where({ workspace_id: workspaceId, email: 'maria@northwind.test' })
      .first('id', 'client_id', 'contact_id');
    northwind = maria.client_id;
    client = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
    files?.close();
  });
  beforeEach(async function () {
    await setSettings({ show_approvals: true });
  });
  afterEach(async function () {
    await h.crm.db('portal_approval_decisions').delete();
    await h.crm.db('portal_kept_approvals').delete();
    await h.crm.db('portal_client_notifications').where({ kind: 'approval_requested' }).delete();
    files.clear();
  });

  it('shares, asks for changes, shares version 2 and approves it; the host’s event names version 2’s SHA-256', async function () {
    const trip = await keptApprovalsRoundTrip({
      db: h.crm.db,
      workspaceId,
      staff,
      adminPath: ADMIN,
      client,
      portalBase: BASE,
      clientId: northwind,
      contactName: 'Maria García',
    });
    // The host was told each decision in its transaction, with the version's file and who shared it.
    const staffId = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const staffUser = await h.crm.db('staff_users').where({ email: staffId.email }).first('id');
    expect(
      files.decisions.map((d) => [d.clientId, d.decision.version, d.decision.outcome, d.decision.fileSha256, d.decision.fileRef]),
    ).to.deep.equal([
      [northwind, 1, 'changes_requested', trip.v1.sha256, trip.v1.fileRef],
      [northwind, 2, 'approved', trip.v2.sha256, trip.v2.fileRef],
    ]);
    expect(files.decisions[0]!.decision).to.include({
      sharedBy: String(staffUser.id),
      comment: 'A darker hero, please.',
      decidedBy: 'Maria García',
    });
    expect(files.decisions[0]!.decision.point).to.deep.equal({ x: 0.4, y: 0.25, page: null });
    expect(files.files(), 'one file per version, among the client’s').to.have.length(2);
    // Each version asked Maria once; Ben (Billing: no approvals) never.
    const asked = await h.crm
      .db('portal_client_notifications')
      .where({ workspace_id: workspaceId, kind: 'approval_requested' })
      .orderBy('id')
      .select('client_user_id', 'subject_id', 'occurrence', 'number');
    const ben = await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'ben@northwind.test' }).first('id');
    expect(asked.filter((row) => row.client_user_id === maria.id)).to.deep.equal([
      { client_user_id: maria.id, subject_id: trip.approvalId, occurrence: 'version:1', number: '1' },
      { client_user_id: maria.id, subject_id: trip.approvalId, occurrence: 'version:2', number: '2' },
    ]);
    expect(asked.filter((row) => row.client_user_id === ben.id)).to.deep.equal([]);
    // Staff are notified of decisions from the activity log, as for a host's approvals.
    const events = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: workspaceId })
      .whereLike('event', 'approval.%')
      .whereRaw("details->>'approvalId' = ?", [trip.approvalId])
      .orderBy('created_at')
      .pluck('event');
    expect(events).to.deep.equal(['approval.changes_requested', 'approval.approved']);
  });

  it('leaves neither a file nor a row when the host fails to keep the file', async function () {
    const before = await keptRows();
    files.failNextKeep();
    const page = (await staff.get(`${ADMIN}/approvals/new`).expect(200)).text;
    await staff
      .post(`${ADMIN}/approvals`)
      .field('_csrf', csrfFrom(page))
      .field('clientId', northwind)
      .field('title', 'Doomed')
      .attach('file', png, { filename: 'doomed.png', contentType: 'image/png' })
      .expect(500);
    expect(await keptRows()).to.deep.equal(before);
    // The rollback removed what the host had written.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(files.files()).to.deep.equal([]);
    // The next version of existing work, likewise.
    const id = await shareKeptApproval(
      { staff, adminPath: ADMIN },
      { clientId: northwind, title: 'Kept', message: '', file: png, fileName: 'a.png', contentType: 'image/png' },
    );
    files.failNextKeep();
    const show = (await staff.get(`${ADMIN}/approvals/${id}`).expect(200)).text;
    await staff
      .post(`${ADMIN}/approvals/${id}/versions`)
      .field('_csrf', csrfFrom(show))
      .attach('file', png, { filename: 'b.png', contentType: 'image/png' })
      .expect(500);
    expect(await h.crm.db('portal_kept_approval_versions').where({ approval_id: id }).pluck('number')).to.deep.equal([1]);
    expect((await h.crm.db('portal_kept_approvals').where({ id }).first('latest_version')).latest_version).to.equal(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(files.files()).to.have.length(1);
    // Asked once, for version 1 only.
    expect(
      await h.crm.db('portal_client_notifications').where({ subject_id: id, client_user_id: maria.id }).pluck('occurrence'),
    ).to.deep.equal(['version:1']);
  });

  it('refuses a form with its messages (400), in the staff member’s language, and keeps what was typed', async function () {
    const page = (await staff.get(`${ADMIN}/approvals/new`).expect(200)).text;
    const csrf = csrfFrom(page);
    const noFile = await staff
      .post(`${ADMIN}/approvals`)
      .field('_csrf', csrf)
      .field('clientId', northwind)
      .field('title', 'Flyer')
      .expect(400);
    expect(noFile.text).to.contain('Choose a file to share.').and.contain('value="Flyer"');
    const exe = await staff
      .post(`${ADMIN}/approvals`)
      .field('_csrf', csrf)
      .field('clientId', northwind)
      .field('title', 'Flyer')
      .attach('file', Buffer.from('MZ\x90\x00binary'), { filename: 'flyer.pdf', contentType: 'application/pdf' })
      .expect(400);
    expect(exe.text).to.contain('This type of file cannot be shared.');
    const tooLarge = await staff
      .post(`${ADMIN}/approvals`)
      .field('_csrf', csrf)
      .field('clientId', northwind)
      .field('title', 'Flyer')
      .attach('file', Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)]), { filename: 'big.png', contentType: 'image/png' })
      .expect(400);
    expect(tooLarge.text).to.contain('The file is larger than 10 MB.');
    // Far past it, the form is not read on: refused as too large (413).
    const farTooLarge = await staff
      .post(`${ADMIN}/approvals`)
      .field('_csrf', csrf)
      .field('title', 'Flyer')
      .attach('file', Buffer.concat([png, Buffer.alloc(12 * 1024 * 1024)]), { filename: 'huge.png', contentType: 'image/png' })
      .expect(413);
    expect(farTooLarge.text).to.contain('The file is larger than 10 MB.');
    // A client of another workspace is none of this one's.
    const acmeClient = await h.crm
      .db('clients as c')
      .join('workspaces as w', 'w.id', 'c.workspace_id')
      .where('w.slug', 'acme')
      .first('c.id');
    const other = await staff
      .post(`${ADMIN}/approvals`)
      .field('_csrf', csrf)
      .field('clientId', String(acmeClient.id))
      .field('title', 'Flyer')
      .attach('file', png, { filename: 'flyer.png', contentType: 'image/png' })
      .expect(400);
    expect(other.text).to.contain('Choose one of your clients.');
    const german = await staff
      .post(`${ADMIN}/approvals`)
      .set('Accept-Language', 'de')
      .field('_csrf', csrf)
      .field('clientId', northwind)
      .field('title', '')
      .attach('file', png, { filename: 'flyer.png', contentType: 'image/png' })
      .expect(400);
    expect(german.text).to.contain('Geben Sie einen Titel mit höchstens 200 Zeichen ein.');
    await staff.post(`${ADMIN}/approvals`).field('clientId', northwind).field('title', 'No token').attach('file', png, 'x.png').expect(403);
    expect(await keptRows()).to.deep.equal({ approvals: 0, versions: 0 });
    expect(files.files()).to.deep.equal([]);
  });

  it('lets any staff member of the workspace share; another workspace’s staff find none of it', async function () {
    const member = await signedInStaffAgent(h, 'demo', 'member');
    const id = await shareKeptApproval(
      { staff: member, adminPath: ADMIN },
      { clientId: northwind, title: 'By a member', message: '', file: png, fileName: 'm.png', contentType: 'image/png' },
    );
    expect((await member.get(`${ADMIN}/approvals`).expect(200)).text).to.contain('By a member');
    const acme = await signedInStaffAgent(h, 'acme');
    expect((await acme.get(`${ADMIN}/approvals`).expect(200)).text).to.not.contain('By a member');
    await acme.get(`${ADMIN}/approvals/${id}`).expect(404);
    await acme.get(`${ADMIN}/approvals/${id}/versions/1/file`).expect(404);
    const acmePage = (await acme.get(`${ADMIN}/approvals/new`).expect(200)).text;
    await acme
      .post(`${ADMIN}/approvals/${id}/versions`)
      .field('_csrf', csrfFrom(acmePage))
      .attach('file', png, { filename: 'x.png', contentType: 'image/png' })
      .expect(404);
    await staff.get(`${ADMIN}/approvals/not-an-id`).expect(404);
    await staff.get(`${ADMIN}/approvals/${id}/nothing-here`).expect(404);
    // The portal's route table names them in full.
    const listed = h.crm.portal.routes.admin.filter((r) => r.path.startsWith('/approvals')).map((r) => `${r.method} ${r.path}`);
    expect(listed).to.include.members(['GET /approvals', 'POST /approvals', 'POST /approvals/:approvalId/versions']);
    // Not signed in to the CRM: none of it, and nothing shared.
    const anonymous = h.agent();
    for (const route of ['', '/new', `/${id}`, `/${id}/versions/1/file`]) {
      const res = await anonymous.get(`${ADMIN}/approvals${route}`);
      expect([302, 303, 401], `${route}: ${res.status}`).to.include(res.status);
    }
    await anonymous
      .post(`${ADMIN}/approvals/${id}/versions`)
      .attach('file', png, 'x.png')
      .expect((res) => expect(res.status).to.be.oneOf([302, 303, 401, 403]));
    // A token of another staff member's is refused.
    const page = (await member.get(`${ADMIN}/approvals/${id}`).expect(200)).text;
    await staff.post(`${ADMIN}/approvals/${id}/versions`).field('_csrf', csrfFrom(page)).attach('file', png, 'x.png').expect(403);
    expect(await h.crm.db('portal_kept_approval_versions').where({ approval_id: id }).count('* as n').first()).to.deep.equal({ n: 1 });
    const saved = await staff.get(`${ADMIN}/approvals/${id}/versions/1/file`).expect(200);
    expect(saved.headers['content-disposition']).to.match(/^attachment;/);
    expect(sha256(saved.body as Buffer)).to.equal(sha256(png));
  });

  it('is a 404 for another company, a switched-off section and a role without approvals', async function () {
    const id = await shareKeptApproval(
      { staff, adminPath: ADMIN },
      { clientId: northwind, title: 'Northwind only', message: '', file: png, fileName: 'n.png', contentType: 'image/png' },
    );
    const url = `${BASE}/approvals/${id}`;
    const routes = [url, `${url}/versions/1/file`];
    const priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    for (const route of routes) await priya.get(route).expect(404);
    expect((await priya.get(`${BASE}/approvals`).expect(200)).text).to.not.contain('Northwind only');
    const own = (await priya.get(`${BASE}/approvals`).expect(200)).text;
    await priya
      .post(`${url}/decision`)
      .type('form')
      .send({ _csrf: csrfFrom(own), version: '1', outcome: 'approved' })
      .expect(404);
    const ben = await signedInAgent(h.agent(), 'demo', login('ben@northwind.test'));
    for (const route of [`${BASE}/approvals`, ...routes]) await ben.get(route).expect(404);
    await setSettings({ show_approvals: false });
    for (const route of [`${BASE}/approvals`, ...routes]) await client.get(route).expect(404);
    // The staff page stays, saying clients do not see approvals yet.
    expect((await staff.get(`${ADMIN}/approvals`).expect(200)).text).to.contain('Clients do not see approvals yet');
    expect(await h.crm.db('portal_approval_decisions').count('* as n').first()).to.deep.equal({ n: 0 });
  });

  it('pages by a cursor of its own, and answers an empty page for any other; a host with approvals of its own and their files is refused', async function () {
    for (let i = 0; i < 27; i++)
      await shareKeptApproval(
        { staff, adminPath: ADMIN },
        { clientId: northwind, title: `Page work ${i}`, message: '', file: png, fileName: 'p.png', contentType: 'image/png' },
      );
    const first = (await client.get(`${BASE}/approvals`).expect(200)).text;
    expect(first).to.contain('Page work 26').and.not.contain('Page work 1<');
    const next = /href="([^"]*after=[^"]+)"/.exec(first)![1]!.replace(/&amp;/g, '&');
    const second = (await client.get(next).expect(200)).text;
    expect(second).to.contain('Page work 1<').and.contain('Page work 0<').and.not.contain('Page work 26');
    const staffFirst = (await staff.get(`${ADMIN}/approvals`).expect(200)).text;
    const staffNext = /href="([^"]*after=[^"]+)"/.exec(staffFirst)![1]!.replace(/&amp;/g, '&');
    expect((await staff.get(staffNext).expect(200)).text)
      .to.contain('Page work 0<')
      .and.not.contain('Page work 26');
    for (const after of ['garbage', Buffer.from('["2027-01-01T00:00:00.000Z","1"]').toString('base64url')]) {
      expect((await client.get(`${BASE}/approvals?after=${after}`).expect(200)).text).to.not.contain('Page work');
      expect((await staff.get(`${ADMIN}/approvals?after=${after}`).expect(200)).text).to.not.contain('Page work');
    }
    const both = {
      db: h.crm.db,
      adapter: { ...h.crm.adapter, approvalFiles: files, approvals: {} as NonNullable<HostAdapter['approvals']> },
    };
    expect(() => withPortalKeptApprovals(both)).to.throw('has both approvals and approvalFiles');
  });

  it('names the workspace in every statement a page or a share makes (one node on Citus)', async function () {
    const counter = countQueries();
    try {
      const shared = await counter.measure(() =>
        shareKeptApproval(
          { staff, adminPath: ADMIN },
          { clientId: northwind, title: 'Routed', message: '', file: png, fileName: 'r.png', contentType: 'image/png' },
        ),
      );
      expect(
        shared.sql.filter((sql) => sql.includes('portal_kept_approval')),
        'the share’s statements were read',
      ).to.have.length.above(1);
      expectEachNamesItsWorkspace(shared.sql, 'sharing');
      const id = (await h.crm.db('portal_kept_approvals').where({ title: 'Routed' }).first('id')).id;
      const page = (await client.get(`${BASE}/approvals/${id}`).expect(200)).text;
      const decided = await counter.measure(() =>
        client
          .post(`${BASE}/approvals/${id}/decision`)
          .type('form')
          .send({ _csrf: csrfFrom(page), version: '1', outcome: 'approved' })
          .expect(303),
      );
      expectEachNamesItsWorkspace(decided.sql, 'the decision');
      for (const [agent, url] of [
        [client, `${BASE}/approvals`],
        [client, `${BASE}/approvals/${id}`],
        [client, `${BASE}/approvals/${id}/versions/1/file`],
        [staff, `${ADMIN}/approvals`],
        [staff, `${ADMIN}/approvals/${id}`],
        [staff, `${ADMIN}/approvals/${id}/versions/1/file`],
      ] as const) {
        const read = await counter.measure(() => agent.get(url).expect(200));
        expectEachNamesItsWorkspace(read.sql, url);
      }
    } finally {
      counter.stop();
    }
  });

  it('exports a person’s decisions on kept work; an erasure leaves the agency’s work as it was', async function () {
    const id = await shareKeptApproval(
      { staff, adminPath: ADMIN },
      { clientId: northwind, title: 'Brochure', message: '', file: png, fileName: 'b.png', contentType: 'image/png' },
    );
    const page = (await client.get(`${BASE}/approvals/${id}`).expect(200)).text;
    await client
      .post(`${BASE}/approvals/${id}/decision`)
      .type('form')
      .send({ _csrf: csrfFrom(page), version: '1', outcome: 'approved' })
      .expect(303);
    const user = await h.crm.db('client_users').where({ id: maria.id }).first();
    const hook = approvalsPersonalData({ db: h.crm.db });
    const exported = await hook.export({ workspaceId, user } as Parameters<typeof hook.export>[0]);
    const json = exported.entries?.[0] as { json: { decisions: Array<Record<string, unknown>> } };
    expect(json.json.decisions).to.have.length(1);
    expect(json.json.decisions[0]).to.include({
      approvalId: id,
      title: 'Brochure',
      version: 1,
      outcome: 'approved',
      fileSha256: sha256(png),
    });
    await h.crm.db.transaction((trx) =>
      hook.erase(trx, { workspaceId, id: user.id, contactId: user.contact_id, clientId: user.client_id, email: user.email }),
    );
    expect(await keptRows()).to.deep.equal({ approvals: 1, versions: 1 });
    expect((await h.crm.db('portal_approval_decisions').where({ approval_id: id }).first()).decided_by).to.equal('Former contact');
  });
});
