// Covers the thumbnail and preview of a client's ticket files on a real Alga PSA database, over
// HTTP: an image or PDF a client attaches through the portal (with a new ticket or a reply) gets
// the images Alga's own upload makes (documentPreviewGenerator.ts): a 200x200 JPEG thumbnail, a
// JPEG preview inside 800x600 (the image's own file for a small one; a PDF's first page brought to
// 1200x1600 first), each an external_files row and bytes as StorageService.uploadFile stores them,
// named on the document (thumbnail_file_id, preview_file_id, preview_generated_at). They are made
// after the ticket's transaction commits; a file they cannot be made of (a broken PDF, an image
// sharp cannot read) leaves its document without them and the ticket is created all the same.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import type { AlgaPsaAdapter } from '../../plugins/alga-psa/adapter.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { smallPdf } from '../support/upload-fixtures.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';

type Row = Record<string, unknown>;
const reason = unavailable();

/** A one-page PDF, US Letter, with a filled rectangle on it. */
function onePagePdf(): Buffer {
  const content = '0.2 0.4 0.8 rg 72 500 300 200 re f';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, index) => {
    const at = pdf.length;
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .png()
    .toBuffer();

describe('alga-psa host: thumbnails and previews of ticket files, over HTTP', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let adapter: AlgaPsaAdapter;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;
  let tenant: string;

  before(async function () {
    // Skipped, saying why, where no real Alga database can be made: no PostgreSQL server (the
    // embedded pass) or no schema file (alga-host.ts says which).
    if (reason) this.skip();
    host = await startAlgaHost();
    adapter = host.adapter();
    const { db, seed } = host;
    tenant = seed.tenant;
    let slug: string;
    ({ running, slug } = await portalBesideAlga(host, { serve: true, adapter }));
    base = `/portal/${slug}`;
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
    await db('shared_document_types').insert([
      { type_name: 'application/pdf', icon: '📄', description: 'PDF Document' },
      { type_name: 'image/*', icon: '🖼️', description: 'Image' },
      { type_name: 'application/octet-stream', icon: '📦', description: 'Binary File' },
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

  type Upload = { content: Buffer; filename: string; contentType: string };

  /** The client opens a ticket through the portal's form with these files; its Alga id. */
  async function openTicket(subject: string, files: Upload[]): Promise<string> {
    const form = (await claire.get(`${base}/tickets/new`).expect(200)).text;
    const post = claire
      .post(`${base}/tickets`)
      .field('_csrf', csrfFrom(form))
      .field('subject', subject)
      .field('description', `About ${subject}.`);
    for (const file of files) post.attach('attachments', file.content, { filename: file.filename, contentType: file.contentType });
    const created = await post.expect(303);
    return (created.headers.location as string).split('/').pop()!;
  }

  /** The ticket's document of that name, once the previews asked for so far are made. */
  async function documentNamed(ticketId: string, name: string): Promise<Row> {
    await adapter.previewsIdle();
    const document = await host
      .db('documents as d')
      .join('document_associations as a', function joinAssociation() {
        this.on('a.tenant', '=', 'd.tenant').andOn('a.document_id', '=', 'd.document_id');
      })
      .where({ 'd.tenant': tenant, 'a.entity_id': ticketId, 'a.entity_type': 'ticket', 'd.document_name': name })
      .first<Row>('d.*');
    expect(document, name).to.be.an('object');
    return document;
  }

  /** A made image's external_files row as StorageService.uploadFile writes it, and its bytes. */
  async function madeImage(document: Row, fileId: unknown, kind: 'thumbnail' | 'preview'): Promise<Buffer> {
    const file = await host.db('external_files').where({ tenant, file_id: fileId }).first<Row>();
    const storagePath = file.storage_path as string;
    expect(storagePath).to.match(new RegExp(`^/${tenant}/\\d{13}-[0-9a-z]{1,13}\\.jpg$`));
    expect(file).to.include({
      file_name: storagePath.split('/').pop(),
      original_name: `${document.document_id}_${kind}.jpg`,
      mime_type: 'image/jpeg',
      uploaded_by_id: host.seed.users.claire,
      is_deleted: false,
    });
    const bytes = readFileSync(path.join(host.storageRoot, storagePath));
    expect(Number(file.file_size)).to.equal(bytes.length);
    return bytes;
  }

  const sizeOf = async (image: Buffer) => {
    const { format, width, height } = await sharp(image).metadata();
    return { format, width, height };
  };

  it("gives a large PNG Alga's 200x200 thumbnail and 800x600 preview, stored and recorded as Alga's upload does", async function () {
    const photo = await png(1600, 1200);
    const ticketId = await openTicket('Screen is cracked', [{ content: photo, filename: 'photo.png', contentType: 'image/png' }]);
    const document = await documentNamed(ticketId, 'photo.png');
    expect(document.thumbnail_file_id).to.be.a('string');
    expect(document.preview_file_id).to.be.a('string').and.not.equal(document.file_id);
    expect(document.preview_generated_at).to.be.an.instanceOf(Date);
    const thumbnail = await madeImage(document, document.thumbnail_file_id, 'thumbnail');
    const preview = await madeImage(document, document.preview_file_id, 'preview');
    expect(await sizeOf(thumbnail)).to.deep.equal({ format: 'jpeg', width: 200, height: 200 });
    expect(await sizeOf(preview)).to.deep.equal({ format: 'jpeg', width: 800, height: 600 });
    // The very bytes Alga's generator makes of this image (its resize and JPEG quality).
    const algaThumbnail = await sharp(photo).resize(200, 200, { fit: 'cover', withoutEnlargement: false }).jpeg({ quality: 80 }).toBuffer();
    const algaPreview = await sharp(photo).resize(800, 600, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
    expect(thumbnail.equals(algaThumbnail)).to.equal(true);
    expect(preview.equals(algaPreview)).to.equal(true);
  });

  it("gives a PDF its first page as Alga's thumbnail and preview (the page brought to 1200x1600 first)", async function () {
    const ticketId = await openTicket('Invoice question', [
      { content: onePagePdf(), filename: 'invoice.pdf', contentType: 'application/pdf' },
    ]);
    const document = await documentNamed(ticketId, 'invoice.pdf');
    const thumbnail = await madeImage(document, document.thumbnail_file_id, 'thumbnail');
    const preview = await madeImage(document, document.preview_file_id, 'preview');
    expect(await sizeOf(thumbnail)).to.deep.equal({ format: 'jpeg', width: 200, height: 200 });
    expect(await sizeOf(preview)).to.deep.equal({ format: 'jpeg', width: 450, height: 600 });
    // The page was drawn: the blue rectangle is on the preview, the white page around it.
    const { data, info } = await sharp(preview).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    const [r, g, b] = pixel(150, 150);
    expect(b).to.be.greaterThan(150);
    expect(r).to.be.lessThan(100);
    expect(g).to.be.lessThan(150);
    expect(pixel(5, 590).every((value) => value > 240)).to.equal(true);
  });

  it("answers a reply's small image with a thumbnail, its own file being its preview", async function () {
    const ticketId = await openTicket('Printer light', []);
    const page = (await claire.get(`${base}/tickets/${ticketId}`).expect(200)).text;
    await claire
      .post(`${base}/tickets/${ticketId}/replies`)
      .field('_csrf', csrfFrom(page))
      .field('body', 'The light looks like this.')
      .attach('attachments', await png(300, 200), { filename: 'light.png', contentType: 'image/png' })
      .expect(303);
    const document = await documentNamed(ticketId, 'light.png');
    expect(document.preview_file_id).to.equal(document.file_id);
    expect(await sizeOf(await madeImage(document, document.thumbnail_file_id, 'thumbnail'))).to.deep.equal({
      format: 'jpeg',
      width: 200,
      height: 200,
    });
  });

  it('leaves a broken PDF and an image sharp cannot read without previews, and the ticket is created', async function () {
    // A PNG cut after its first 60 bytes: the portal takes it as a PNG, sharp reads no header from it.
    const cut = (await png(300, 200)).subarray(0, 60);
    const before = readdirSync(path.join(host.storageRoot, tenant)).length;
    const ticketId = await openTicket('Broken files', [
      { content: smallPdf('no page in this one'), filename: 'broken.pdf', contentType: 'application/pdf' },
      { content: cut, filename: 'broken.png', contentType: 'image/png' },
    ]);
    expect(await host.db('tickets').where({ tenant, ticket_id: ticketId }).first('title')).to.deep.equal({ title: 'Broken files' });
    for (const name of ['broken.pdf', 'broken.png']) {
      const document = await documentNamed(ticketId, name);
      expect(document, name).to.include({ thumbnail_file_id: null, preview_file_id: null, preview_generated_at: null });
    }
    // Only the two files themselves were stored.
    expect(readdirSync(path.join(host.storageRoot, tenant)).length).to.equal(before + 2);
  });
});
