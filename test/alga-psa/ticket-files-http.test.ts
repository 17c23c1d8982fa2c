// Covers the files of a ticket on a real Alga PSA database, over HTTP as a client uses the portal:
// a file the client attaches when opening a ticket, and one with a reply, become Alga documents of
// the ticket as Alga's client portal uploads them (uploadDocument → StorageService.uploadFile:
// external_files, documents, document_associations, column by column; the bytes at the path
// Alga's local storage provider gives them under the storage root; the ticket's folders from the
// tenant's defaults), which Alga's staff document listing of the ticket finds; the portal keeps no
// copy and the client sees each once, with the message it came with. A file staff attach in Alga
// with an answer is shown with that answer, one they attach later on its own under the staff
// member's name (never under the client's opening message, nor with the client's name), and one
// staff keep from the client (not client-visible) not at all. A transaction that does not commit
// leaves neither rows nor bytes; without a storage root, or for a contact without an Alga login,
// the binding takes no file and the portal keeps them.
import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { createAlgaPsaAdapter } from '../../plugins/alga-psa/adapter.ts';
import type { TicketsPort } from '../../src/features/tickets/port.ts';
import { binary } from '../support/pdf-text.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { smallPdf } from '../support/upload-fixtures.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLAIRE_PASSWORD, NEXTAUTH_SECRET } from './seed.ts';

type Row = Record<string, unknown>;
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
  let pdfType: string;

  const driverPdf = smallPdf('the driver to install');
  const opening = smallPdf('the error on the screen');
  const reply = smallPdf('the printer settings, a longer file than the first one');

  before(async function () {
    // Skipped where no real Alga database can be made: its schema is loaded with psql into a
    // PostgreSQL server (DATABASE_URL), which the embedded engine is not. CI's PostgreSQL pass runs it.
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
    // The shared document types Alga's migrations seed (20241119165120_add_shared_document_types_data), and the tenant's default ticket folders.
    [{ type_id: pdfType }] = await db('shared_document_types')
      .insert([
        { type_name: 'application/pdf', icon: '📄', description: 'PDF Document' },
        { type_name: 'application/octet-stream', icon: '📦', description: 'Binary File' },
      ])
      .returning('type_id');
    await db('document_default_folders').insert([
      { tenant, entity_type: 'ticket', folder_path: '/Tickets', folder_name: 'Tickets', sort_order: 0 },
      {
        tenant,
        entity_type: 'ticket',
        folder_path: '/Tickets/Attachments',
        folder_name: 'Attachments',
        sort_order: 1,
        is_client_visible: true,
      },
    ]);
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

  /** The ticket's documents as Alga's staff screens list them (getDocumentsByEntity: documents of the entity, the uploader's name, the type). */
  const staffListing = (ticketId: string) =>
    host.db.raw<{ rows: Row[] }>(
      `select d.document_id, d.document_name, concat(u.first_name, ' ', u.last_name) as created_by_full_name,
              coalesce(dt.type_name, sdt.type_name) as type_name
         from documents d
         join document_associations a on a.tenant = d.tenant and a.document_id = d.document_id
         left join users u on u.tenant = d.tenant and u.user_id = d.created_by
         left join document_types dt on dt.tenant = d.tenant and dt.type_id = d.type_id
         left join shared_document_types sdt on sdt.type_id = d.shared_type_id
        where d.tenant = ? and a.entity_id = ? and a.entity_type = 'ticket'
        order by d.document_name`,
      [tenant, ticketId],
    );

  let ticketId: string;

  it("opens a ticket with a file: Alga's three rows as its client portal's upload writes them, the bytes where its storage puts them", async function () {
    const { users } = host.seed;
    const portalFiles = async () => Number((await host.db('portal_files').count<{ count: string }[]>('* as count'))[0]!.count);
    const filesBefore = await portalFiles();
    ticketId = await openTicket('Printer is down', [{ content: opening, filename: 'screen.pdf' }]);

    const association = await host.db('document_associations').where({ tenant, entity_id: ticketId }).first<Row>();
    expect(association).to.include({ entity_type: 'ticket', is_entity_logo: false, entity_logo_variant: 'default' });
    expect(association.association_id).to.be.a('string');
    const document = await host.db('documents').where({ tenant, document_id: association.document_id }).first<Row>();
    const file = await host.db('external_files').where({ tenant, file_id: document.file_id }).first<Row>();
    const storagePath = file.storage_path as string;
    expect(storagePath).to.match(new RegExp(`^/${tenant}/\\d{13}-[0-9a-z]{1,13}\\.pdf$`));
    expect(file).to.include({
      file_name: storagePath.split('/').pop(),
      original_name: 'screen.pdf',
      mime_type: 'application/pdf',
      uploaded_by_id: users.claire,
      is_deleted: false,
      deleted_at: null,
      deleted_by_id: null,
    });
    expect(Number(file.file_size)).to.equal(opening.length);
    expect(document).to.include({
      document_name: 'screen.pdf',
      type_id: null,
      shared_type_id: pdfType,
      user_id: users.claire,
      created_by: users.claire,
      order_number: 0,
      edited_by: null,
      entered_at: null,
      content: null,
      storage_path: storagePath,
      mime_type: 'application/pdf',
      folder_path: '/Tickets/Attachments',
      is_client_visible: true,
      thumbnail_file_id: null,
      preview_file_id: null,
    });
    expect(Number(document.file_size)).to.equal(opening.length);
    // The ticket's folders, made from the tenant's defaults as Alga's upload makes them.
    const folders = await host.db('document_folders').where({ tenant, entity_id: ticketId }).orderBy('folder_path').select<Row[]>();
    expect(folders.map((f) => [f.folder_path, f.folder_name, f.entity_type, f.is_client_visible, f.created_by])).to.deep.equal([
      ['/Tickets', 'Tickets', 'ticket', false, users.claire],
      ['/Tickets/Attachments', 'Attachments', 'ticket', true, users.claire],
    ]);
    expect(folders[1]!.parent_folder_id).to.equal(folders[0]!.folder_id);
    // The bytes at Alga's path under the storage root, and nothing else beside them.
    expect(readFileSync(path.join(host.storageRoot, storagePath)).equals(opening)).to.equal(true);
    expect(readdirSync(path.join(host.storageRoot, tenant)).filter((name) => name.includes('.upload-'))).to.deep.equal([]);
    // Alga's staff find it on the ticket.
    expect((await staffListing(ticketId)).rows).to.deep.equal([
      {
        document_id: document.document_id,
        document_name: 'screen.pdf',
        created_by_full_name: 'Claire Martin',
        type_name: 'application/pdf',
      },
    ]);
    // The portal keeps no copy of its own.
    expect(await host.db('portal_ticket_attachments').where({ workspace_id: tenant, ticket_id: ticketId })).to.deep.equal([]);
    expect(await portalFiles()).to.equal(filesBefore);

    // The client sees it once, under the opening message, and downloads the exact bytes.
    const page = (await claire.get(`${base}/tickets/${ticketId}`).expect(200)).text;
    expect(count(page, 'screen.pdf')).to.equal(1);
    expect(entry(page, 'message-opening')).to.include('screen.pdf');
    const download = await claire.get(`${base}/tickets/${ticketId}/files/${document.document_id}`).buffer(true).parse(binary).expect(200);
    expect((download.body as Buffer).equals(opening)).to.equal(true);
  });

  it('replies with a file: an Alga document of the ticket, listed once with the reply', async function () {
    const page = (await claire.get(`${base}/tickets/${ticketId}`).expect(200)).text;
    await claire
      .post(`${base}/tickets/${ticketId}/replies`)
      .field('_csrf', csrfFrom(page))
      .field('body', 'Here are the printer settings.')
      .attach('attachments', reply, { filename: 'settings.pdf', contentType: 'application/pdf' })
      .expect(303);
    const listed = (await staffListing(ticketId)).rows.map((row) => row.document_name);
    expect(listed).to.deep.equal(['screen.pdf', 'settings.pdf']);
    const comment = await host.db('comments').where({ tenant, ticket_id: ticketId, author_type: 'client' }).first<Row>('comment_id');
    const after = (await claire.get(`${base}/tickets/${ticketId}`).expect(200)).text;
    expect(count(after, 'settings.pdf')).to.equal(1);
    expect(entry(after, `message-${comment.comment_id}`))
      .to.include('Here are the printer settings.')
      .and.include('settings.pdf');
    expect(entry(after, 'message-opening')).to.not.include('settings.pdf');
  });

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

  it('a transaction that does not commit leaves neither rows nor bytes; no file is taken without a storage root or a login', async function () {
    const tickets = host.adapter().tickets as TicketsPort;
    const { bakery, garage } = host.seed.clients;
    const { claire: claireContact, paul } = host.seed.contacts;
    const stored = () => readdirSync(path.join(host.storageRoot, tenant)).sort();
    const before = stored();
    const rollback = new Error('rolled back on purpose');
    const failed = await host.db
      .transaction(async (trx) => {
        const created = await tickets.create(
          tenant,
          bakery,
          claireContact,
          {
            subject: 'Never opened',
            description: 'Rolled back',
            categoryId: null,
            typeId: null,
            priorityId: null,
            files: [
              { name: 'lost.pdf', contentType: 'application/pdf', sizeBytes: opening.length, open: async () => Readable.from([opening]) },
            ],
          },
          { trx },
        );
        expect(created).to.not.equal(null);
        expect(stored()).to.have.length(before.length + 1);
        throw rollback;
      })
      .catch((error: unknown) => error);
    expect(failed).to.equal(rollback);
    // The cleanup follows the rollback's promise, and removing a file takes a turn of its own: give it up to a second.
    for (let turn = 0; turn < 50 && stored().length > before.length; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stored()).to.deep.equal(before);
    expect(await host.db('documents').where({ tenant, document_name: 'lost.pdf' })).to.deep.equal([]);
    expect(await host.db('external_files').where({ tenant, original_name: 'lost.pdf' })).to.deep.equal([]);

    expect(tickets.keepsClientFiles).to.equal(true);
    expect(await tickets.keepsClientFilesOf!(tenant, bakery, claireContact)).to.equal(true);
    // Alga's upload records a login as uploader: Paul has none, so his files stay in the portal.
    expect(await tickets.keepsClientFilesOf!(tenant, garage, paul)).to.equal(false);
    const withoutRoot = createAlgaPsaAdapter(host.db, { nextAuthSecret: NEXTAUTH_SECRET }).tickets!;
    expect(withoutRoot.keepsClientFiles).to.equal(false);
    expect(await withoutRoot.keepsClientFilesOf!(tenant, bakery, claireContact)).to.equal(false);
  });
});
