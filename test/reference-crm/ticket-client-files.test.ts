// Covers the files a client attaches to a ticket in the portal, on the CRM's staff page of the
// ticket: a client opens a ticket with a file and replies with another through the portal's own
// routes, staff answer with a file of theirs; the staff page lists each file under what it came
// with (the request, the client's reply, the staff answer) with its size and who sent it, and the
// staff download returns the exact bytes as an attachment of the stored type, never sniffed. Staff
// of another workspace get 404, an anonymous request is sent to sign in, and a file of another
// ticket, or an id that is none, under this ticket's address is 404.
import { expect } from 'chai';
import { csrfFrom, type PortalHarness, signedInDemoClient, signedInStaffAgent, startPortalHarness } from '../support/portal-harness.ts';
import { binary } from '../support/pdf-text.ts';
import { smallPdf } from '../support/upload-fixtures.ts';
import { textOf } from './support.ts';

type Agent = ReturnType<PortalHarness['agent']>;

/** The HTML of the element with this id, up to its closing tag (the sections and messages of the page do not nest their own kind). */
function elementById(html: string, tag: 'section' | 'li', id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).to.be.greaterThan(-1);
  const open = html.lastIndexOf(`<${tag}`, start);
  return html.slice(open, html.indexOf(`</${tag}>`, start));
}

/** The body of a download, as bytes. */
const bytes = (agent: Agent, url: string) => agent.get(url).buffer(true).parse(binary);

describe('reference CRM ticket page: the files the client attached in the portal', function () {
  let h: PortalHarness;
  let maria: Agent;
  let staff: Agent;
  let acme: Agent;
  let workspaceId: number;
  let staffName: string;

  const opening = smallPdf('the error on the screen');
  const reply = smallPdf('the printer settings, a longer file than the first one');
  const answer = smallPdf('the driver to install');

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({
      workspace_id: String(workspaceId),
      show_tickets: true,
      allow_file_uploads: true,
    });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    staff = await signedInStaffAgent(h, 'demo');
    acme = await signedInStaffAgent(h, 'acme');
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staffName = (await h.crm.db('staff_users').where({ workspace_id: workspaceId, email: admin.email }).first('name')).name;
  });

  after(async function () {
    await h?.close();
  });

  /** The client opens a ticket with a file, through the portal's form; its CRM id. */
  async function openTicket(subject: string, file: Buffer, filename: string): Promise<string> {
    const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
    const created = await maria
      .post('/portal/demo/tickets')
      .field('_csrf', csrfFrom(form))
      .field('subject', subject)
      .field('description', `About ${subject}.`)
      .attach('attachments', file, { filename, contentType: 'application/pdf' })
      .expect(303);
    return (created.headers.location as string).split('/').pop()!;
  }

  /** The client replies with a file, through the portal's form. */
  async function replyWithFile(ticketId: string, body: string, file: Buffer, filename: string): Promise<void> {
    const page = (await maria.get(`/portal/demo/tickets/${ticketId}`).expect(200)).text;
    await maria
      .post(`/portal/demo/tickets/${ticketId}/replies`)
      .field('_csrf', csrfFrom(page))
      .field('body', body)
      .attach('attachments', file, { filename, contentType: 'application/pdf' })
      .expect(303);
  }

  it('lists every file under what it came with, and serves the client’s exact bytes to staff', async function () {
    const ticketId = await openTicket('Printer is down', opening, 'screen.pdf');
    // Staff answer with a file of theirs, through the CRM's own form.
    const before = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    await staff
      .post(`/tickets/${ticketId}/messages`)
      .field('_csrf', csrfFrom(before))
      .field('body', 'Please install this driver.')
      .attach('attachments', answer, { filename: 'driver.pdf' })
      .expect(303);
    await replyWithFile(ticketId, 'Here are the printer settings.', reply, 'settings.pdf');

    const page = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    const request = textOf(elementById(page, 'section', 'description-title'));
    expect(request).to.include(`screen.pdf (${opening.length} B), sent by Maria García`);
    expect(request).to.not.include('settings.pdf').and.not.include('driver.pdf');
    const messages = await h.crm
      .db('ticket_messages')
      .where({ workspace_id: workspaceId, ticket_id: Number(ticketId) })
      .orderBy('id');
    const [agencyMessage, clientMessage] = messages.map((m: { id: number }) => textOf(elementById(page, 'li', `message-${m.id}`)));
    expect(agencyMessage).to.include('Please install this driver.').and.include(`driver.pdf (${answer.length} B), sent by ${staffName}`);
    expect(agencyMessage).to.not.include('settings.pdf');
    expect(clientMessage)
      .to.include('Here are the printer settings.')
      .and.include(`settings.pdf (${reply.length} B), sent by Maria García`);
    expect(clientMessage).to.not.include('screen.pdf');

    const links = [...page.matchAll(/href="(\/tickets\/\d+\/client-files\/[^"]+)"/g)].map((m) => m[1]!);
    expect(links).to.have.length(2);
    for (const [link, content, filename] of [
      [links[0]!, opening, 'screen.pdf'],
      [links[1]!, reply, 'settings.pdf'],
    ] as const) {
      const download = await bytes(staff, link).expect(200);
      expect(download.body.equals(content), filename).to.equal(true);
      expect(download.headers['content-type']).to.equal('application/pdf');
      expect(download.headers['content-disposition'])
        .to.match(/^attachment;/)
        .and.include(filename);
      expect(download.headers['x-content-type-options']).to.equal('nosniff');
    }
    // The staff's own file downloads the same way.
    const own = /href="(\/tickets\/\d+\/files\/\d+)"/.exec(page)![1]!;
    const ownDownload = await bytes(staff, own).expect(200);
    expect(ownDownload.body.equals(answer)).to.equal(true);
    expect(ownDownload.headers['x-content-type-options']).to.equal('nosniff');
  });

  it('is 404 to another workspace’s staff, sends an anonymous request to sign in, and finds no file of another ticket', async function () {
    const ticketId = await openTicket('Scanner is slow', opening, 'scan.pdf');
    const otherId = await openTicket('Phone line crackles', reply, 'line.pdf');
    const page = (await staff.get(`/tickets/${ticketId}`).expect(200)).text;
    const link = /href="(\/tickets\/\d+\/client-files\/[^"]+)"/.exec(page)![1]!;
    const otherPage = (await staff.get(`/tickets/${otherId}`).expect(200)).text;
    const otherLink = /href="(\/tickets\/\d+\/client-files\/[^"]+)"/.exec(otherPage)![1]!;
    const otherFileId = otherLink.split('/').pop()!;

    await acme.get(`/tickets/${ticketId}`).expect(404);
    await acme.get(link).expect(404);
    const anonymous = await h.agent().get(link).expect(303);
    expect(anonymous.headers.location).to.equal(`/signin?next=${encodeURIComponent(link)}`);

    // Another ticket's file under this ticket's address, and ids that are none.
    await staff.get(`/tickets/${ticketId}/client-files/${otherFileId}`).expect(404);
    await staff.get(`/tickets/${ticketId}/client-files/not-a-file`).expect(404);
    await staff.get(`/tickets/${ticketId}/client-files/${'a'.repeat(65)}`).expect(404);
    await bytes(staff, otherLink).expect(200);
  });
});
