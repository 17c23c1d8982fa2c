// Staff "view as this client" (the read-only client view of a record from the staff record page)
// leaves an entry in the client activity log, naming the staff member, like the staff's other
// actions on a record (creating or revoking a public link), and the record page lists it.
import { expect } from 'chai';
import { signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

describe('staff "view as this client" is audited', function () {
  this.timeout(120_000);
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness();
  });
  after(async function () {
    await h?.close();
  });

  it('logs who looked, at which record, from where', async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const proposal = await h.crm
      .db('proposals as p')
      .join('workspaces as w', 'w.id', 'p.workspace_id')
      .where('w.slug', 'demo')
      .first('p.id', 'p.client_id', 'p.workspace_id');
    const record = `/settings/client-portal/records/proposal/${proposal.client_id}/${proposal.id}`;
    await staff.get(`${record}/as-client`).set('User-Agent', 'staff-browser').expect(200);
    const rows = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(proposal.workspace_id), event: 'record.viewed_as_client' });
    expect(rows).to.have.length(1);
    const row = rows[0];
    expect(row.client_id).to.equal(String(proposal.client_id));
    expect(row.client_user_id).to.equal(null);
    expect(row.user_agent).to.equal('staff-browser');
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
    expect(details).to.include({ kind: 'proposal', subjectId: String(proposal.id), staffName: admin.name });
    expect(details.staffId).to.be.a('string').and.not.equal('');
    const page = await staff.get(record).expect(200);
    expect(page.text).to.contain('Viewed by the agency as the client sees it');
  });
});
