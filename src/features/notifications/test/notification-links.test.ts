// Each kind of staff notification leads where it says: an erasure request to its own page (with
// its legal deadline, one month from the request, on the notification and on the page), a request
// for a copy of one's data to that entry of the activity log, a colleague invited or given another
// role to the client's users, a ticket to the CRM's page of it, and a request, an appointment, an
// approval and an order again to the CRM's page of that record (the draft made, for an order
// again), not the conversation with the client; every link says what it opens (never a bare "Open"), and a payment
// makes one unread item, not one for starting it and another for paying.
import { expect } from 'chai';
import { signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { demoNorthwind } from '../../../../test/support/demo-records.ts';
import { insertActivity } from '../../../core/index.ts';
import { insertErasureRequest } from '../../privacy/queries.ts';

const LIST = '/client-portal/notifications';
const ADMIN = '/settings/client-portal';

const entriesOf = (html: string) => [...html.matchAll(/<li class="notification[^"]*"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[0]);
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
const linkOf = (entry: string) => {
  const match = /<a href="([^"]+)"[^>]*>([^<]+)<\/a>/.exec(entry);
  return { href: (match?.[1] ?? '').replace(/&amp;/g, '&'), text: match?.[2] ?? '' };
};

describe('staff notifications lead to their own pages', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let html: string;
  let erasureId: string;
  let clientId: string;

  before(async () => {
    h = await startPortalHarness();
    const northwind = await demoNorthwind(h.crm.db);
    const workspaceId = String(northwind.workspace_id);
    clientId = String(northwind.id);
    const maria = await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('id');
    const requestedAt = new Date('2026-01-31T10:00:00Z');
    const erasure = await insertErasureRequest(h.crm.db, {
      workspaceId,
      clientUserId: String(maria.id),
      clientId,
      reason: null,
      at: requestedAt,
    });
    erasureId = String(erasure!.id);
    const entry = (event: Parameters<typeof insertActivity>[1]['event'], details: Record<string, unknown>) =>
      insertActivity(h.crm.db, { workspaceId, event, clientUserId: String(maria.id), clientId, email: 'maria@northwind.test', details });
    await entry('privacy.erasure_requested', { requestId: erasureId });
    await h.crm.db('client_activity_logs').where({ event: 'privacy.erasure_requested' }).update({ created_at: requestedAt });
    await entry('privacy.export_requested', { requestId: '7' });
    await entry('team.invited', { colleagueId: '1', colleagueEmail: 'li@northwind.test', resent: false });
    await entry('team.role_changed', { colleagueId: '1', colleagueEmail: 'li@northwind.test', roleName: 'Billing' });
    await entry('invoice.payment_started', { invoiceId: '1', amountCents: 1000, currency: 'USD' });
    await entry('invoice.payment_recorded', { invoiceId: '1', amountCents: 1000, currency: 'USD' });
    await entry('ticket.opened', { ticketId: '42', ref: 'TIC-0042', title: 'Printer is down', files: 0 });
    await entry('request.submitted', { requestId: '5', ref: 'REQ-0005', title: 'Business cards', kind: 'quote', files: 0 });
    await entry('appointment.requested', {
      appointmentId: '6',
      service: 'Consultation',
      startsAt: '2026-12-01T08:30:00.000Z',
      timeZone: 'Europe/Berlin',
    });
    await entry('approval.changes_requested', { approvalId: '7', title: 'Shop logo', version: 2 });
    await entry('order.reordered', { orderId: '8', number: 'SO-0008', draftId: '9', draftNumber: 'SO-0009' });
    const staff = await signedInStaffAgent(h, 'demo');
    html = (await staff.get(LIST).set('Accept-Language', 'en').expect(200)).text;
  });
  after(async () => {
    await h?.close();
  });

  const only = (what: string) => {
    const found = entriesOf(html).filter((entry) => textOf(entry).includes(what));
    expect(found, what).to.have.length(1);
    return found[0]!;
  };

  it('links a ticket to its page in the CRM, where staff answer it', async function () {
    const entry = only('TIC-0042');
    expect(linkOf(entry)).to.deep.equal({ href: '/tickets/42', text: 'Open the ticket' });
  });

  it('links a request, an appointment, an approval and an order again to the CRM’s page of the record', async function () {
    expect(linkOf(only('Sent a service or quote request'))).to.deep.equal({ href: '/requests/5', text: 'Open the request' });
    expect(linkOf(only('Asked for an appointment'))).to.deep.equal({ href: '/appointments/6', text: 'Open the appointment' });
    expect(linkOf(only('Asked for changes to work shared for approval'))).to.deep.equal({
      href: '/approvals/7',
      text: 'Open the approval',
    });
    expect(linkOf(only('Asked for an order again'))).to.deep.equal({ href: '/orders/9', text: 'Open the order' });
  });

  it('links an erasure request to its page, with its deadline one month on', async function () {
    const entry = only('Asked for their data to be erased');
    expect(linkOf(entry)).to.deep.equal({ href: `${ADMIN}/erasure-requests/${erasureId}`, text: 'Open the erasure request' });
    // 31 January + one month: the last day of February.
    expect(textOf(entry)).to.contain('Answer by Feb 28, 2026');
    const staff = await signedInStaffAgent(h, 'demo');
    const page = await staff.get(`${ADMIN}/erasure-requests/${erasureId}`).set('Accept-Language', 'en').expect(200);
    expect(textOf(page.text)).to.contain('Deadline Answer by Feb 28, 2026');
  });

  it('links a request for a copy of their data to that entry of the activity log', async function () {
    const entry = only('Asked for a copy of their data');
    expect(linkOf(entry).href).to.equal(`${ADMIN}/activity?client=${clientId}&event=privacy.export_requested`);
    expect(linkOf(entry).text).to.equal('See it in the activity log of Northwind Traders');
  });

  it("links a colleague's invitation and role change to the client's users", async function () {
    for (const what of ['Invited a colleague', 'Changed a colleague’s role']) {
      const link = linkOf(only(what));
      expect(link.href, what).to.equal(`${ADMIN}/clients?client=${clientId}`);
      expect(link.text, what).to.equal('Open the client users of Northwind Traders');
    }
  });

  it('says what every link opens', function () {
    for (const entry of entriesOf(html))
      expect(linkOf(entry).text, textOf(entry))
        .to.match(/^(Open|See) \w+/)
        .and.not.equal('Open');
  });

  it('makes one unread item of a payment, not two', function () {
    expect(entriesOf(html).filter((entry) => /payment|Paid an invoice/i.test(textOf(entry)))).to.have.length(1);
  });
});
