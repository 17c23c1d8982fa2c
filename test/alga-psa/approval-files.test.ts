// Covers, on Alga PSA's real schema, the files and decision events of approvals the portal keeps
// (HostApprovalFilesPort): a version's file kept as a staff member's upload to the client's
// documents is kept by Alga's uploadDocument (the bytes where its local storage provider puts an
// upload, external_files, documents, the client's folders made from the tenant's defaults, a
// document_associations row of entity_type 'client'), read back byte for byte; another client or
// another tenant finds nothing; a rolled-back transaction leaves no row and no file; a decision is
// an interaction of Alga's system 'Note' type on the client and the contact, in the tenant's
// language; and the port exists only with a storage root.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { expect } from 'chai';
import { createAlgaPsaAdapter } from '../../plugins/alga-psa/adapter.ts';
import type { ApprovalVersionUpload, HostApprovalFilesPort } from '../../src/features/approvals/port.ts';
import { type AlgaHost, startAlgaHost, unavailable } from './alga-host.ts';

type Row = Record<string, unknown>;
const reason = unavailable();

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('alga-psa binding: the files and decision events of approvals the portal keeps', function () {
  this.timeout(60_000);
  let host: AlgaHost;
  let port: HostApprovalFilesPort;
  let tenant: string;
  let bakery: string;
  let admin: string;
  let noteType: string;

  const version = (content: Buffer, fields: Partial<ApprovalVersionUpload> = {}): ApprovalVersionUpload => ({
    title: 'Homepage design',
    version: 2,
    fileName: 'mockup.pdf',
    contentType: 'application/pdf',
    content,
    sharedBy: admin,
    ...fields,
  });
  const keep = (upload: ApprovalVersionUpload, clientId = bakery, workspaceId = tenant) =>
    host.db.transaction((trx) => port.keep(workspaceId, clientId, upload, { trx }));

  before(async function () {
    // Skipped, with the reason printed below, where no real Alga PSA database can be made (psql and
    // DATABASE_URL); CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    port = host.adapter().approvalFiles as HostApprovalFilesPort;
    tenant = host.seed.tenant;
    bakery = host.seed.clients.bakery;
    admin = host.seed.users.admin;
    // Alga's migrations seed the system interaction types (20241223015715_create_system_interaction_types).
    const [note] = await host
      .db('system_interaction_types')
      .insert([
        { type_name: 'Call', icon: 'phone' },
        { type_name: 'Email', icon: 'mail' },
        { type_name: 'Meeting', icon: 'users' },
        { type_name: 'Note', icon: 'file-text' },
      ])
      .returning(['type_id', 'type_name'])
      .then((rows) => rows.filter((row) => row.type_name === 'Note'));
    noteType = note.type_id;
    // The tenant's default folders for clients, as Alga's settings keep them.
    await host.db('document_default_folders').insert([
      { tenant, entity_type: 'client', folder_path: '/Clients', folder_name: 'Clients', is_client_visible: false, sort_order: 1 },
      {
        tenant,
        entity_type: 'client',
        folder_path: '/Clients/Contracts',
        folder_name: 'Contracts',
        is_client_visible: false,
        sort_order: 2,
      },
    ]);
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('keeps a version as a document of the client, as a staff member’s upload to it, and reads it back', async function () {
    const content = Buffer.from('%PDF-1.4 the homepage, second round');
    const ref = await keep(version(content));
    const document = await host.db('documents').where({ tenant, document_id: ref }).first<Row>();
    expect(document).to.include({
      document_name: 'Homepage design v2 - mockup.pdf',
      user_id: admin,
      created_by: admin,
      order_number: 0,
      mime_type: 'application/pdf',
      folder_path: '/Clients',
      is_client_visible: true,
      content: null,
    });
    expect(Number(document.file_size)).to.equal(content.length);
    const file = await host.db('external_files').where({ tenant, file_id: document.file_id }).first<Row>();
    expect(file).to.include({
      original_name: 'mockup.pdf',
      mime_type: 'application/pdf',
      uploaded_by_id: admin,
      storage_path: document.storage_path,
      file_name: String(document.storage_path).split('/').pop(),
      is_deleted: false,
    });
    expect(String(file.storage_path)).to.match(new RegExp(`^/${tenant}/\\d+-[0-9a-z]+\\.pdf$`));
    expect(readFileSync(path.join(host.storageRoot, String(file.storage_path))).equals(content)).to.equal(true);
    const associations = await host.db('document_associations').where({ tenant, document_id: ref });
    expect(associations.map((a) => [a.entity_type, a.entity_id])).to.deep.equal([['client', bakery]]);
    // The client's folders, made from the tenant's defaults as ensureEntityFoldersInitializedInternal makes them.
    const folders = await host.db('document_folders').where({ tenant, entity_type: 'client', entity_id: bakery }).orderBy('folder_path');
    expect(folders.map((f) => [f.folder_path, f.created_by])).to.deep.equal([
      ['/Clients', admin],
      ['/Clients/Contracts', admin],
    ]);
    expect(folders[1].parent_folder_id).to.equal(folders[0].folder_id);

    const opened = await port.open(tenant, bakery, ref!);
    expect(opened).to.include({ name: 'Homepage design v2 - mockup.pdf', contentType: 'application/pdf', sizeBytes: content.length });
    expect((await readAll(opened!.content)).equals(content)).to.equal(true);
  });

  it('finds nothing for another client, another tenant, or a document that is not the client’s', async function () {
    const ref = await keep(version(Buffer.from('%PDF-1.4 for the bakery only'), { title: 'Menu' }));
    expect(await port.open(tenant, host.seed.clients.garage, ref!)).to.equal(null);
    expect(await port.open(host.seed.otherTenant, bakery, ref!)).to.equal(null);
    expect(await port.open(tenant, bakery, 'not-a-ref')).to.equal(null);
    expect(await port.open(tenant, bakery, host.seed.documents.garage)).to.equal(null);
    // Nothing is kept for a client of another tenant, nor for an inactive client.
    expect(await keep(version(Buffer.from('x')), host.seed.clients.otherTenantClient)).to.equal(null);
    expect(await keep(version(Buffer.from('x')), host.seed.clients.inactive)).to.equal(null);
    // A client login is not a staff member who can share a file.
    let refused: unknown = null;
    await keep(version(Buffer.from('x'), { sharedBy: host.seed.users.claire })).catch((error: unknown) => {
      refused = error;
    });
    expect(refused).to.be.an.instanceOf(Error);
  });

  it('leaves no row and no file when the transaction rolls back', async function () {
    const count = async (table: string) => Number((await host.db(table).where({ tenant }).count<{ count: string }[]>())[0]!.count);
    const before = {
      documents: await count('documents'),
      files: await count('external_files'),
      links: await count('document_associations'),
    };
    const dir = path.join(host.storageRoot, tenant);
    const onDisk = existsSync(dir) ? readdirSync(dir).sort() : [];
    let kept: string | null = null;
    await host.db
      .transaction(async (trx) => {
        kept = await port.keep(tenant, bakery, version(Buffer.from('%PDF-1.4 undone'), { title: 'Undone' }), { trx });
        throw new Error('the portal’s own write failed');
      })
      .catch(() => {});
    expect(kept).to.be.a('string');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect({
      documents: await count('documents'),
      files: await count('external_files'),
      links: await count('document_associations'),
    }).to.deep.equal(before);
    expect(readdirSync(dir).sort()).to.deep.equal(onDisk);
  });

  describe('recordDecision', function () {
    const decision = (fields: Partial<Parameters<HostApprovalFilesPort['recordDecision']>[2]> = {}) => ({
      approvalId: '7',
      title: 'Homepage design',
      version: 2,
      outcome: 'changes_requested' as const,
      comment: 'The logo should be larger.',
      point: { x: 0.42, y: 0.1, page: null },
      contactId: host.seed.contacts.claire,
      decidedBy: 'Claire Martin',
      fileSha256: 'b'.repeat(64),
      decidedAt: new Date('2026-11-27T10:15:00Z'),
      fileRef: 'ignored',
      sharedBy: admin,
      ...fields,
    });
    const interactions = () => host.db('interactions').where({ tenant, client_id: bakery }).orderBy('interaction_date');

    it('writes an interaction of the Note type on the client and the contact, in the caller’s transaction', async function () {
      await host.db.transaction((trx) => port.recordDecision(tenant, bakery, decision(), { trx }));
      const [interaction] = await interactions();
      expect(interaction).to.include({
        type_id: noteType,
        contact_name_id: host.seed.contacts.claire,
        user_id: admin,
        ticket_id: null,
        project_id: null,
        title: 'Changes requested: Homepage design, version 2',
        notes: `The logo should be larger.\n\nPoint: 42 % across, 10 % down\n\nSHA-256 of version 2 as decided: ${'b'.repeat(64)}`,
        duration: 0,
        status_id: null,
        visibility: 'internal',
      });
      for (const column of ['interaction_date', 'start_time', 'end_time'])
        expect((interaction[column] as Date).toISOString()).to.equal('2026-11-27T10:15:00.000Z');
    });

    it('writes it in German where the tenant is set up in German, naming no contact of another client', async function () {
      await host
        .db('tenant_settings')
        .where({ tenant })
        .update({ settings: host.db.raw(`settings || '{"defaultLocale":"de"}'::jsonb`) });
      await host.db.transaction((trx) =>
        port.recordDecision(
          tenant,
          bakery,
          decision({
            outcome: 'approved',
            comment: '',
            point: null,
            contactId: host.seed.contacts.paul,
            decidedAt: new Date('2026-11-27T11:00:00Z'),
          }),
          { trx },
        ),
      );
      const interaction = (await interactions()).pop();
      expect(interaction).to.include({
        title: 'Freigegeben: Homepage design, Version 2',
        notes: `SHA-256 der entschiedenen Version 2: ${'b'.repeat(64)}`,
        contact_name_id: null,
      });
    });

    it('writes nothing for another tenant, and nothing that outlives a rollback', async function () {
      const before = (await interactions()).length;
      await host.db.transaction((trx) => port.recordDecision(host.seed.otherTenant, bakery, decision(), { trx }));
      await host.db
        .transaction(async (trx) => {
          await port.recordDecision(tenant, bakery, decision(), { trx });
          throw new Error('the portal’s evidence failed');
        })
        .catch(() => {});
      expect((await interactions()).length).to.equal(before);
    });
  });

  it('leaves the port out without a storage root, and claims what it writes with one', function () {
    expect(createAlgaPsaAdapter(host.db, {}).approvalFiles).to.equal(undefined);
    const claims = host.adapter().claims;
    expect(claims.some((claim) => claim.table === 'interactions')).to.equal(true);
  });
});
