// Covers approvals the portal keeps beside a real Alga PSA database, over HTTP end to end: a staff
// member shares version 1 from the portal's admin pages, Claire asks for changes with a point,
// version 2 is shared, she approves it (keptApprovalsRoundTrip). Then, in Alga's own tables: each
// version a document associated with her client (documents, external_files, document_associations)
// whose bytes in Alga's storage are the ones the portal fingerprinted, and an interaction of the
// 'Note' type per decision on the client and Claire whose notes name the version's SHA-256. Paul,
// a contact of another client with a login of his own, gets 404 on the work and its files.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import {
  decisionsAtOnce,
  type KeptApprovalsRoundTrip,
  type KeptApprovalsWorld,
  keptApprovalsRoundTrip,
  sha256,
} from '../support/kept-approvals-flow.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import { type PortalOnHost, portalOnHost } from '../support/portal-on-host.ts';
import { type AlgaHost, startAlgaHost, tenantSlug, unavailable } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';

const reason = unavailable();
const ADMIN = '/settings/client-portal';
const PAUL_PASSWORD = 'Paul-portal-2026!';

describe('alga-psa host: approvals the portal keeps, over HTTP', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let server: Server;
  let base: string;
  let trip: KeptApprovalsRoundTrip;
  let world: KeptApprovalsWorld;
  let slug: string;
  let paul: ReturnType<typeof request.agent>;
  let noteType: string;

  before(async function () {
    // Skipped, with the reason printed below, where no real Alga PSA database can be made: its schema is
    // loaded with psql into a PostgreSQL server (DATABASE_URL). CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    const { tenant } = seed;
    // Alga's migrations seed the system interaction types (20241223015715_create_system_interaction_types).
    const types = await db('system_interaction_types')
      .insert([
        { type_name: 'Call', icon: 'phone' },
        { type_name: 'Email', icon: 'mail' },
        { type_name: 'Meeting', icon: 'users' },
        { type_name: 'Note', icon: 'file-text' },
      ])
      .returning(['type_id', 'type_name']);
    noteType = types.find((type) => type.type_name === 'Note')!.type_id;
    const adapter = host.adapter();
    // Alga's staff session is NextAuth's, in another process: here a bridge has vouched for its admin.
    adapter.staff.current = async () => ({
      id: seed.users.admin,
      workspaceId: tenant,
      name: 'Alice Admin',
      email: 'alice@northwind.example',
      role: 'admin',
    });
    slug = await tenantSlug(db, tenant);
    running = await portalOnHost({
      db,
      databaseUrl: host.database.url,
      adapter,
      workspaceSlug: slug,
      from: 'Northwind IT <portal@northwind.example>',
      serve: true,
    });
    const app = express();
    app.use(ADMIN, running.portal.adminRouter);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    await db('workspace_client_portal_settings').insert({ workspace_id: tenant, show_approvals: true }).onConflict('workspace_id').merge();
    await running.portal.workspaceChanged(tenant);
    base = `/portal/${slug}`;
    // Paul (the garage's contact) gets a login as Alga's invitation acceptance makes one.
    await adapter.credentials!.setPassword(tenant, seed.contacts.paul, PAUL_PASSWORD);
    paul = await signedInAgent(request.agent(running.url), slug, { email: 'paul@summit.example', password: PAUL_PASSWORD });
    const claire = await signedInAgent(request.agent(running.url), slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD });
    world = {
      db,
      workspaceId: tenant,
      staff: request.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      adminPath: ADMIN,
      client: claire,
      portalBase: base,
      clientId: seed.clients.bakery,
      contactName: 'Claire Martin',
    };
    trip = await keptApprovalsRoundTrip(world);
  });
  after(async function () {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('keeps each version as a document of the client, with the bytes the portal fingerprinted', async function () {
    const { db, seed } = host;
    const { tenant } = seed;
    const documents = await db('document_associations as a')
      .join('documents as d', function () {
        this.on('d.tenant', 'a.tenant').andOn('d.document_id', 'a.document_id');
      })
      .join('external_files as f', function () {
        this.on('f.tenant', 'd.tenant').andOn('f.file_id', 'd.file_id');
      })
      .where({ 'a.tenant': tenant, 'a.entity_type': 'client', 'a.entity_id': seed.clients.bakery })
      .whereIn('d.document_id', [trip.v1.fileRef, trip.v2.fileRef])
      .select('d.document_id', 'd.document_name', 'd.created_by', 'f.storage_path', 'f.is_deleted');
    const byRef = (ref: string) => documents.find((row) => row.document_id === ref);
    expect(documents).to.have.length(2);
    expect(byRef(trip.v1.fileRef)).to.include({ document_name: 'Homepage design v1 - homepage-v1.png', created_by: seed.users.admin });
    expect(byRef(trip.v2.fileRef)).to.include({ document_name: 'Homepage design v2 - homepage-v2.png', created_by: seed.users.admin });
    const stored = (ref: string) => sha256(readFileSync(path.join(host.storageRoot, String(byRef(ref)!.storage_path))));
    expect([stored(trip.v1.fileRef), stored(trip.v2.fileRef)]).to.deep.equal([trip.v1.sha256, trip.v2.sha256]);
    expect(trip.v1.sha256).to.not.equal(trip.v2.sha256);
  });

  it('writes an interaction per decision on the client and the contact, naming the fingerprint', async function () {
    const { db, seed } = host;
    const interactions = await db('interactions')
      .where({ tenant: seed.tenant, client_id: seed.clients.bakery, type_id: noteType })
      .orderBy('interaction_date');
    expect(interactions.map((row) => [row.contact_name_id, row.user_id, row.title])).to.deep.equal([
      [seed.contacts.claire, seed.users.admin, 'Changes requested: Homepage design, version 1'],
      [seed.contacts.claire, seed.users.admin, 'Approved: Homepage design, version 2'],
    ]);
    expect(interactions[0].notes)
      .to.contain('A darker hero, please.')
      .and.contain('Point: 40 % across, 25 % down')
      .and.contain(`SHA-256 of version 1 as decided: ${trip.v1.sha256}`);
    expect(interactions[1].notes).to.equal(`SHA-256 of version 2 as decided: ${trip.v2.sha256}`);
  });

  it('records one of the decisions sent at once from four browsers, with one interaction', async function () {
    const browsers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        signedInAgent(request.agent(running.url), slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD }),
      ),
    );
    await decisionsAtOnce(world, browsers);
    const interactions = await host
      .db('interactions')
      .where({ tenant: host.seed.tenant, client_id: host.seed.clients.bakery, type_id: noteType })
      .whereLike('title', '%: Brochure, %');
    expect(interactions.map((row) => row.title)).to.deep.equal(['Approved: Brochure, version 1']);
  });

  it("answers another client's contact 404 on the work and its files", async function () {
    const url = `${base}/approvals/${trip.approvalId}`;
    expect((await paul.get(`${base}/approvals`).expect(200)).text).to.not.contain(trip.title);
    await paul.get(url).expect(404);
    await paul.get(`${url}/versions/1/file`).expect(404);
    await paul.get(`${url}/versions/2/file?download=1`).expect(404);
  });
});
