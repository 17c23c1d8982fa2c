// Covers the files of a ticket on a real Alga PSA database, over HTTP as a client uses the portal:
// a file staff attach in Alga with an answer is shown with that answer, one they attach later on
// its own under the staff member's name (never under the client's opening message, nor with the
// client's name), and one staff keep from the client (not client-visible) not at all.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { smallPdf } from '../support/upload-fixtures.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';

const reason = unavailable();

/** The HTML of the conversation entry with this id, up to its end. */
function entry(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).to.be.greaterThan(-1);
  return html.slice(html.lastIndexOf('<li', start), html.indexOf('</li>', start));
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('alga-psa host: the files of a ticket, over HTTP', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;
  let tenant: string;

  const driverPdf = smallPdf('the driver to install');

  before(async function () {
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    tenant = seed.tenant;
    let slug: string;
    ({ running, slug } = await portalBesideAlga(host, { serve: true }));
    base = `/portal/${slug}`;
    // A board with its ticket status and a priority, as an Alga tenant's settings hold them.
    const [board] = await db('boards')
      .insert({ tenant, board_name: 'General Support', is_default: true, display_order: 1 })
      .returning('board_id');
    await db('statuses').insert({
      tenant,
      board_id: board.board_id,
      name: 'New',
      status_type: 'ticket',
      item_type: 'ticket',
      order_number: 1,
      is_closed: false,
      is_default: true,
      created_by: seed.users.admin,
    });
    await db('priorities').insert({ tenant, priority_name: 'Medium', order_number: 1, item_type: 'ticket', created_by: seed.users.admin });
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: tenant, show_tickets: true, allow_file_uploads: true })
      .onConflict('workspace_id')
      .merge();
    claire = await signedInAgent(request.agent(running.url), slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  /** The client opens a ticket through the portal's form, with files where given; its Alga id. */
  async function openTicket(subject: string, files: Array<{ content: Buffer; filename: string }> = []): Promise<string> {
    const form = (await claire.get(`${base}/tickets/new`).expect(200)).text;
    const post = claire
      .post(`${base}/tickets`)
      .field('_csrf', csrfFrom(form))
      .field('subject', subject)
      .field('description', `About ${subject}.`);
    for (const file of files) post.attach('attachments', file.content, { filename: file.filename, contentType: 'application/pdf' });
    const created = await post.expect(303);
    return (created.headers.location as string).split('/').pop()!;
  }

  /** A file staff attach on the ticket in Alga's screens (uploadDocument as an internal user), at that moment. */
  async function staffDocument(ticketId: string, name: string, visible: boolean, at: Date): Promise<string> {
    const { users } = host.seed;
    const storagePath = `/${tenant}/staff-${name}`;
    writeFileSync(path.join(host.storageRoot, storagePath), driverPdf);
    const [file] = await host
      .db('external_files')
      .insert({
        tenant,
        file_name: name,
        original_name: name,
        mime_type: 'application/pdf',
        file_size: driverPdf.length,
        storage_path: storagePath,
        uploaded_by_id: users.tech,
      })
      .returning('file_id');
    const [document] = await host
      .db('documents')
      .insert({
        tenant,
        document_name: name,
        user_id: users.tech,
        created_by: users.tech,
        order_number: 0,
        file_id: file.file_id,
        storage_path: storagePath,
        mime_type: 'application/pdf',
        file_size: driverPdf.length,
        is_client_visible: visible,
      })
      .returning('document_id');
    await host
      .db('document_associations')
      .insert({ tenant, document_id: document.document_id, entity_id: ticketId, entity_type: 'ticket', created_at: at });
    return document.document_id as string;
  }

  /** Staff's answer the client sees, as Alga's TicketModel.createComment writes one: a thread, then the comment. */
  async function staffAnswer(ticketId: string, text: string, at: Date): Promise<string> {
    const { users } = host.seed;
    const [thread] = await host
      .db('comment_threads')
      .insert({
        tenant,
        ticket_id: ticketId,
        root_comment_id: '00000000-0000-0000-0000-000000000000',
        is_internal: false,
        last_activity_at: at,
        created_at: at,
        created_by: users.tech,
      })
      .returning('thread_id');
    const [comment] = await host
      .db('comments')
      .insert({
        tenant,
        ticket_id: ticketId,
        thread_id: thread.thread_id,
        user_id: users.tech,
        note: text,
        is_internal: false,
        is_resolution: false,
        author_type: 'internal',
        created_at: at,
        updated_at: at,
      })
      .returning('comment_id');
    await host.db('comment_threads').where({ tenant, thread_id: thread.thread_id }).update({ root_comment_id: comment.comment_id });
    return comment.comment_id as string;
  }

  it("shows staff's files with their answer, or on their own under the staff member's name; one kept from the client not at all", async function () {
    const ticketId = await openTicket('Printer is down');
    const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    const answer = await staffAnswer(ticketId, 'Please install this driver.', later(1));
    await staffDocument(ticketId, 'driver.pdf', true, later(1));
    const manual = await staffDocument(ticketId, 'manual.pdf', true, later(2));
    await staffDocument(ticketId, 'internal-notes.pdf', false, later(3));

    const page = (await claire.get(`${base}/tickets/${ticketId}`).expect(200)).text;
    expect(page).to.not.include('internal-notes.pdf');
    expect(entry(page, 'message-opening')).to.not.include('driver.pdf').and.not.include('manual.pdf');
    expect(entry(page, `message-${answer}`))
      .to.include('Please install this driver.')
      .and.include('driver.pdf');
    const own = entry(page, `file-${manual}`);
    expect(own).to.include('manual.pdf').and.include('Bob Tech').and.include('(agency)').and.not.include('Claire Martin');
    expect([count(page, 'driver.pdf'), count(page, 'manual.pdf')]).to.deep.equal([1, 1]);
    // In time: the opening, the answer with its file, then the file on its own.
    expect(page.indexOf('id="message-opening"')).to.be.below(page.indexOf(`id="message-${answer}"`));
    expect(page.indexOf(`id="message-${answer}"`)).to.be.below(page.indexOf(`id="file-${manual}"`));
  });
});
