// The staff record page lists the client's activity on that one record and the newest accesses of
// its public links. Both stay flat however much the client did elsewhere and however often a link
// was opened: each is read from an index, and EXPLAIN ANALYZE counts the rows it took.
import { expect } from 'chai';
import { analyzed, recordedDuring, rowsRead } from '../../../../test/support/plans.ts';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

const ELSEWHERE = 2_000;
const OPENS = 1_000;
const RECORD_IP = '203.0.113.7';
const ACCESS_IP = '198.51.100.9';

describe('the staff record page on a busy client', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let staff: ReturnType<PortalHarness['agent']>;
  let workspaceId: string;
  let clientId: string;
  let proposalId: string;
  let recordPath: string;

  before(async function () {
    h = await startPortalHarness();
    staff = await signedInStaffAgent(h, 'demo');
    const login = h.crm.staffLogins.clients.find((l) => l.workspaceSlug === 'demo')!;
    [workspaceId, clientId] = [login.workspaceId, login.clientId];
    const [row] = await h.crm
      .db('proposals')
      .insert({
        workspace_id: Number(workspaceId),
        client_id: Number(clientId),
        number: 'BUSY-1',
        title: 'Busy client',
        body: 'Much else going on.',
        status: 'sent',
        currency: 'USD',
        valid_until: '2099-12-31',
        sent_at: new Date(),
      })
      .returning('id');
    proposalId = String(row.id);
    recordPath = `/settings/client-portal/records/proposal/${clientId}/${proposalId}`;
  });
  after(async function () {
    await h?.close();
  });

  const log = (event: string, details: string, ip: string, count: number) =>
    h.crm.db.raw(
      `insert into client_activity_logs (workspace_id, client_id, event, details, ip) select ?, ?, ?, ${details}, ? from generate_series(1, ?) as n`,
      [workspaceId, clientId, event, ip, count],
    );

  it("reads the record's own activity and its links' newest accesses, not the client's whole history", async function () {
    await log('offer.viewed', `jsonb_build_object('kind', 'proposal', 'offerId', '${proposalId}')`, RECORD_IP, 3);
    // Two links (say, a second one sent to someone else), each opened many times.
    for (const days of ['30', '60']) {
      const page = await staff.get(recordPath).expect(200);
      await staff
        .post(`${recordPath}/links`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), days })
        .expect(303);
    }
    const links = await h.crm.db('portal_public_links').where({ workspace_id: workspaceId, subject_id: proposalId }).pluck('id');
    expect(links).to.have.length(2);
    // Afterwards, and so newer: the client busy with other records, and a quotation with the same id.
    await log('offer.viewed', `jsonb_build_object('kind', 'proposal', 'offerId', (n % 50 + 1000000)::text)`, '192.0.2.1', ELSEWHERE / 2);
    await log('invoice.viewed', `jsonb_build_object('invoiceId', (n % 50 + 1000000)::text)`, '192.0.2.1', ELSEWHERE / 2);
    await log('offer.viewed', `jsonb_build_object('kind', 'quotation', 'offerId', '${proposalId}')`, '192.0.2.1', 5);
    for (const link of links) {
      await h.crm.db.raw(
        `insert into portal_public_link_accesses (link_id, workspace_id, action, ip, at) select ?, ?, 'opened', ?, now() - n * interval '1 second' from generate_series(1, ?) as n`,
        [link, workspaceId, ACCESS_IP, OPENS],
      );
    }
    // Statistics as autovacuum would have them after the inserts (the embedded database runs none).
    await h.crm.db.raw('analyze client_activity_logs, portal_public_link_accesses');

    const { result: html, recorded } = await recordedDuring(async () => (await staff.get(recordPath).expect(200)).text);
    expect(html.split(`<td>${RECORD_IP}</td>`).length - 1, 'the three views of this proposal').to.equal(3);
    expect(html.split('A public link was created by the agency').length - 1, 'the two links made').to.equal(2);
    expect(html.split(`<td>${ACCESS_IP}</td>`).length - 1, 'the newest hundred accesses').to.equal(100);

    const statement = (table: string) => {
      const found = recorded.find((q) => q.sql.includes(`"${table}"`) && /\border by\b/i.test(q.sql));
      expect(found, `the page read ${table}`).to.not.equal(undefined);
      return found!;
    };
    const activity = rowsRead(await analyzed(h.crm.sessionPool, statement('client_activity_logs')), 'client_activity_logs');
    // The three views, the two links made, and the five views of the quotation with the same id.
    expect(activity, `activity rows read with ${ELSEWHERE} entries about other records`).to.be.at.most(10);
    const accesses = rowsRead(await analyzed(h.crm.sessionPool, statement('portal_public_link_accesses')), 'portal_public_link_accesses');
    // Each link's newest hundred, and the one after them that tells the sort their last group of
    // equal times ended.
    expect(accesses, `access rows read for two links opened ${OPENS} times each`).to.be.at.most(2 * 101);
  });
});
