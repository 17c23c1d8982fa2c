// The end-to-end path of approvals the portal keeps, over HTTP, for any host whose adapter has
// HostApprovalFilesPort (and no approvals of its own): staff share work from the portal's admin
// page (multipart), the client sees version 1 and asks for changes with a point, staff share
// version 2, the client approves it. It checks what the portal shows and keeps; what the host kept
// (the files among the client's documents, an event per decision) is the caller's to check with
// what this returns, in its own tables. A host binding's tests call keptApprovalsRoundTrip with
// their own agents and client.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import type request from 'supertest';
import { homepageDesign } from '../../plugins/reference-crm/seed-approvals.ts';
import { csrfFrom } from './portal-harness.ts';

type Agent = ReturnType<typeof request.agent>;

export interface KeptApprovalsWorld {
  /** The portal's database (where portal_kept_approvals and portal_approval_decisions are). */
  db: Knex;
  workspaceId: string;
  /** A staff member of the workspace signed in to the host, and where the host mounts the portal's admin router. */
  staff: Agent;
  adminPath: string;
  /** A client user who may see and decide approvals, signed in to the portal, and their workspace's portal path ('/portal/demo'). */
  client: Agent;
  portalBase: string;
  /** The client's company (the host's id) and the contact's name as the evidence names them. */
  clientId: string;
  contactName: string;
}

export interface KeptApprovalsRoundTrip {
  approvalId: string;
  title: string;
  v1: { sha256: string; fileRef: string };
  v2: { sha256: string; fileRef: string };
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Shares version 1 of a new piece of work from the admin page; the approval's id. */
export async function shareKeptApproval(
  world: Pick<KeptApprovalsWorld, 'staff' | 'adminPath'>,
  form: { clientId: string; title: string; message: string; file: Buffer; fileName: string; contentType: string },
): Promise<string> {
  const page = (await world.staff.get(`${world.adminPath}/approvals/new`).expect(200)).text;
  const shared = await world.staff
    .post(`${world.adminPath}/approvals`)
    .field('_csrf', csrfFrom(page))
    .field('clientId', form.clientId)
    .field('title', form.title)
    .field('message', form.message)
    .attach('file', form.file, { filename: form.fileName, contentType: form.contentType })
    .expect(303);
  const match = /\/approvals\/([0-9a-f-]{36})\?notice=shared$/.exec(shared.headers.location ?? '');
  if (!match) throw new Error(`sharing answered ${shared.headers.location}`);
  return match[1]!;
}

/** Shares the next version of a piece of work from its admin page. */
async function shareNextKeptVersion(
  world: Pick<KeptApprovalsWorld, 'staff' | 'adminPath'>,
  approvalId: string,
  form: { message: string; file: Buffer; fileName: string; contentType: string },
): Promise<void> {
  const url = `${world.adminPath}/approvals/${approvalId}`;
  const page = (await world.staff.get(url).expect(200)).text;
  const shared = await world.staff
    .post(`${url}/versions`)
    .field('_csrf', csrfFrom(page))
    .field('message', form.message)
    .attach('file', form.file, { filename: form.fileName, contentType: form.contentType })
    .expect(303);
  expect(shared.headers.location).to.equal(`${url}?notice=version`);
}

async function decide(world: KeptApprovalsWorld, approvalId: string, form: Record<string, string>) {
  const url = `${world.portalBase}/approvals/${approvalId}`;
  const page = (await world.client.get(url).expect(200)).text;
  await world.client
    .post(`${url}/decision`)
    .type('form')
    .send({ _csrf: csrfFrom(page), ...form })
    .expect(303);
}

/**
 * Share → the client sees version 1 → asks for changes → staff share version 2 → the client
 * approves version 2; the evidence names each version's SHA-256, and the staff page shows it.
 */
export async function keptApprovalsRoundTrip(world: KeptApprovalsWorld, title = 'Homepage design'): Promise<KeptApprovalsRoundTrip> {
  const v1 = homepageDesign();
  const v2 = homepageDesign([15, 23, 42]);
  const approvalId = await shareKeptApproval(world, {
    clientId: world.clientId,
    title,
    message: 'The first draft of the home page.',
    file: v1,
    fileName: 'homepage-v1.png',
    contentType: 'image/png',
  });
  const clientUrl = `${world.portalBase}/approvals/${approvalId}`;

  const list = (await world.client.get(`${world.portalBase}/approvals`).expect(200)).text;
  expect(list).to.contain(title).and.contain('Awaiting your decision');
  const page = (await world.client.get(clientUrl).expect(200)).text;
  expect(page).to.contain(`<img src="${clientUrl}/versions/1/file"`).and.contain('The first draft of the home page.');
  const file = await world.client.get(`${clientUrl}/versions/1/file`).expect(200);
  expect(file.headers['content-type']).to.equal('image/png');
  expect(sha256(file.body as Buffer), 'the bytes the host kept').to.equal(sha256(v1));

  await decide(world, approvalId, {
    version: '1',
    outcome: 'changes_requested',
    comment: 'A darker hero, please.',
    pointX: '40',
    pointY: '25',
  });
  const staffUrl = `${world.adminPath}/approvals/${approvalId}`;
  const afterChanges = (await world.staff.get(staffUrl).expect(200)).text;
  expect(afterChanges).to.contain('Changes requested').and.contain('A darker hero, please.').and.contain(sha256(v1));

  await shareNextKeptVersion(world, approvalId, {
    message: 'Darker, as asked.',
    file: v2,
    fileName: 'homepage-v2.png',
    contentType: 'image/png',
  });
  const second = (await world.client.get(clientUrl).expect(200)).text;
  expect(second).to.contain(`<img src="${clientUrl}/versions/2/file"`).and.contain('Awaiting your decision');
  await decide(world, approvalId, { version: '2', outcome: 'approved' });

  const decisions = await world
    .db('portal_approval_decisions')
    .where({ workspace_id: world.workspaceId, approval_id: approvalId })
    .orderBy('version');
  expect(decisions.map((d) => [d.version, d.outcome, d.file_sha256, d.decided_by])).to.deep.equal([
    [1, 'changes_requested', sha256(v1), world.contactName],
    [2, 'approved', sha256(v2), world.contactName],
  ]);
  const staffPage = (await world.staff.get(staffUrl).expect(200)).text;
  expect(staffPage).to.contain(sha256(v2)).and.contain('Approved');
  const list2 = (await world.staff.get(`${world.adminPath}/approvals`).expect(200)).text;
  expect(list2).to.contain(title).and.contain('Approved');

  const versions = await world
    .db('portal_kept_approval_versions')
    .where({ workspace_id: world.workspaceId, approval_id: approvalId })
    .orderBy('number');
  expect(versions.map((v) => v.number)).to.deep.equal([1, 2]);
  return {
    approvalId,
    title,
    v1: { sha256: sha256(v1), fileRef: versions[0].file_ref },
    v2: { sha256: sha256(v2), fileRef: versions[1].file_ref },
  };
}

/**
 * The same decision sent at once from several browsers of the client, each its own session (so
 * nothing lines them up before the database does), on a new piece of work shared first: one is
 * recorded, every other is told the version already has a decision (409), never a server error.
 * The approval's id, for the caller to count the host's notes of it.
 */
export async function decisionsAtOnce(world: KeptApprovalsWorld, browsers: Agent[], title = 'Brochure'): Promise<string> {
  const approvalId = await shareKeptApproval(world, {
    clientId: world.clientId,
    title,
    message: 'The brochure, for approval.',
    file: homepageDesign([200, 30, 30]),
    fileName: 'brochure.png',
    contentType: 'image/png',
  });
  const url = `${world.portalBase}/approvals/${approvalId}`;
  const tokens = await Promise.all(browsers.map(async (browser) => csrfFrom((await browser.get(url).expect(200)).text)));
  const answers = await Promise.all(
    browsers.map((browser, i) =>
      browser.post(`${url}/decision`).type('form').send({ _csrf: tokens[i], version: '1', outcome: 'approved' }),
    ),
  );
  expect(answers.map((answer) => answer.status).sort()).to.deep.equal([303, ...browsers.slice(1).map(() => 409)]);
  for (const refused of answers.filter((answer) => answer.status === 409))
    expect(refused.text).to.contain('This version already has a decision');
  const decisions = await world.db('portal_approval_decisions').where({ workspace_id: world.workspaceId, approval_id: approvalId });
  expect(decisions).to.have.length(1);
  return approvalId;
}
