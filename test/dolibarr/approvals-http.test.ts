// Covers approvals the portal keeps beside a real Dolibarr, over HTTP end to end: a staff member
// shares version 1 from the portal's admin pages, Claire asks for changes with a point, version 2
// is shared, she approves it (keptApprovalsRoundTrip). Then, in Dolibarr's own tables: each
// version's file under <data root>/societe/<socid>/ with the bytes the portal fingerprinted, its
// llx_ecm_files row a document of the third party, and an agenda event per decision
// (AC_PORTAL_CHANGES_REQUESTED, AC_PORTAL_APPROVED) on the company and Claire whose note names the
// version's SHA-256. Paul, a contact of another company, gets 404 on the work and its files.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { homepageDesign } from '../../plugins/reference-crm/seed-approvals.ts';
import {
  decisionsAtOnce,
  type KeptApprovalsRoundTrip,
  type KeptApprovalsWorld,
  keptApprovalsRoundTrip,
  sha256,
  shareKeptApproval,
} from '../support/kept-approvals-flow.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { type DolibarrHost, insertTicketInstallRows, servePortalBeside, startDolibarrHost, unavailable } from './dolibarr-host.ts';

const reason = unavailable();
const ADMIN = '/settings/client-portal';
const PASSWORD = 'Client-portal-2026';

describe('dolibarr host: approvals the portal keeps, over HTTP', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let server: Server;
  let base: string;
  let trip: KeptApprovalsRoundTrip;
  let world: KeptApprovalsWorld;
  let paul: ReturnType<typeof request.agent>;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    const { db, seed } = host;
    // The automatic events' type the decisions are written with, and the agenda module on.
    await insertTicketInstallRows(db);
    await db('llx_const').insert({ name: 'MAIN_MODULE_AGENDA', entity: 1, value: '1', type: 'chaine', visible: 0 });
    const adapter = createDolibarrAdapter(db, {
      workspaceSlug: seed.workspaceSlug,
      dataRoot: host.dataRoot,
      actingUserId: seed.users.admin,
    });
    // Dolibarr's staff session lives in PHP: here a bridge has vouched for its admin user.
    adapter.staff.current = async () => ({
      id: String(seed.users.admin),
      workspaceId: '1',
      name: 'Hélène Moreau',
      email: 'helene@atelier-lumiere.example',
      role: 'admin',
    });
    running = await servePortalBeside(host, adapter);
    const app = express();
    app.use(ADMIN, running.portal.adminRouter);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    await db('workspace_client_portal_settings').insert({ workspace_id: '1', show_approvals: true }).onConflict('workspace_id').merge();
    await running.portal.workspaceChanged('1');
    base = `/portal/${seed.workspaceSlug}`;
    const passwordHash = await hashPassword(PASSWORD);
    const login = async (company: number, contact: number, email: string) => {
      await insertClientUser(db, {
        workspaceId: '1',
        clientId: String(company),
        contactId: String(contact),
        email,
        status: 'active',
        passwordHash,
      });
      return signedInAgent(request.agent(running.url), seed.workspaceSlug, { email, password: PASSWORD });
    };
    const claire = await login(seed.companies.bakery, seed.contacts.claire, 'claire@martin.example');
    paul = await login(seed.companies.garage, seed.contacts.paul, 'paul@dupont.example');
    world = {
      db,
      workspaceId: '1',
      staff: request.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      adminPath: ADMIN,
      client: claire,
      portalBase: base,
      clientId: String(seed.companies.bakery),
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

  it("keeps each version's file among the company's documents, with the bytes the portal fingerprinted", async function () {
    const { db, seed } = host;
    const bakery = seed.companies.bakery;
    const rows = await db('llx_ecm_files')
      .whereIn('rowid', [Number(trip.v1.fileRef), Number(trip.v2.fileRef)])
      .orderBy('rowid');
    expect(rows.map((row) => [String(row.rowid), row.filename])).to.deep.equal([
      [trip.v1.fileRef, 'Homepage design v1 - homepage-v1.png'],
      [trip.v2.fileRef, 'Homepage design v2 - homepage-v2.png'],
    ]);
    for (const row of rows) {
      expect(row).to.include({
        entity: 1,
        filepath: `societe/${bakery}`,
        src_object_type: 'societe',
        src_object_id: bakery,
        fk_user_c: seed.users.admin,
        gen_or_uploaded: 'uploaded',
      });
    }
    const onDisk = (name: string) => sha256(readFileSync(path.join(host.dataRoot, 'societe', String(bakery), name)));
    expect(rows.map((row) => onDisk(row.filename))).to.deep.equal([trip.v1.sha256, trip.v2.sha256]);
    expect(trip.v1.sha256).to.not.equal(trip.v2.sha256);
  });

  it('writes an agenda event per decision on the company and the contact, naming the fingerprint', async function () {
    const { db, seed } = host;
    const events = await db('llx_actioncomm')
      .where({ entity: 1, fk_soc: seed.companies.bakery })
      .whereIn('code', ['AC_PORTAL_CHANGES_REQUESTED', 'AC_PORTAL_APPROVED'])
      .orderBy('id');
    expect(events.map((event) => [event.code, event.fk_contact, event.fk_user_action, event.label])).to.deep.equal([
      ['AC_PORTAL_CHANGES_REQUESTED', seed.contacts.claire, seed.users.admin, 'Changes requested: Homepage design, version 1'],
      ['AC_PORTAL_APPROVED', seed.contacts.claire, seed.users.admin, 'Approved: Homepage design, version 2'],
    ]);
    expect(events[0].note)
      .to.contain('A darker hero, please.')
      .and.contain('Point: 40 % across, 25 % down')
      .and.contain(`SHA-256 of version 1 as decided: ${trip.v1.sha256}`);
    expect(events[1].note).to.equal(`SHA-256 of version 2 as decided: ${trip.v2.sha256}`);
    const resources = await db('llx_actioncomm_resources')
      .whereIn(
        'fk_actioncomm',
        events.map((event) => event.id),
      )
      .where({ element_type: 'socpeople' })
      .pluck('fk_element');
    expect(resources).to.deep.equal([seed.contacts.claire, seed.contacts.claire]);
  });

  it('names a shared file from the name staff sent, as Dolibarr names the same upload', async function () {
    const { db, seed } = host;
    const staff = request.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await shareKeptApproval(
      { staff, adminPath: ADMIN },
      {
        clientId: String(seed.companies.bakery),
        title: 'Shop sign',
        message: '',
        file: homepageDesign(),
        fileName: 'Sign: été -final.PNG',
        contentType: 'image/png',
      },
    );
    const row = await db('llx_ecm_files')
      .where({ filepath: `societe/${seed.companies.bakery}` })
      .orderBy('rowid', 'desc')
      .first();
    // The portal's own safe name drops the colon ("Sign été -final.png"); Dolibarr makes it '_'.
    expect(row).to.include({ filename: 'Shop sign v1 - Sign_ ete _final.png', fullpath_orig: 'Sign: été -final.png' });
  });

  it('records one of the decisions sent at once from four browsers, with one agenda event', async function () {
    const browsers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        signedInAgent(request.agent(running.url), host.seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD }),
      ),
    );
    await decisionsAtOnce(world, browsers);
    const events = await host
      .db('llx_actioncomm')
      .where({ entity: 1, fk_soc: host.seed.companies.bakery })
      .whereLike('label', '%: Brochure, %');
    expect(events.map((event) => [event.code, event.label])).to.deep.equal([['AC_PORTAL_APPROVED', 'Approved: Brochure, version 1']]);
  });

  it("answers another company's contact 404 on the work and its files", async function () {
    const url = `${base}/approvals/${trip.approvalId}`;
    expect((await paul.get(`${base}/approvals`).expect(200)).text).to.not.contain(trip.title);
    await paul.get(url).expect(404);
    await paul.get(`${url}/versions/1/file`).expect(404);
    await paul.get(`${url}/versions/2/file?download=1`).expect(404);
  });
});
