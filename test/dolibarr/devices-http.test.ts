// Covers the devices section served beside a real Dolibarr database, over HTTP as a client uses it:
// Claire lists the serial numbers shipped to her company, opens one, opens a ticket about it from
// the tickets' own form (the ticket and its llx_element_element link written together) and finds it
// on the device's page; the garage's device, and one in another entity, are a 404 on its page and
// on the form, and a form posted with it writes nothing. The statements each page sends (every pg
// client of this process) do not grow with the company's devices and tickets.
import { expect } from 'chai';
import request from 'supertest';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { countQueries, describeQueries, type QueryCounter } from '../support/query-counter.ts';
import { enableProductBatch, insertLot, insertProduct, shipSerials } from './devices-setup.ts';
import {
  type DolibarrHost,
  insertClaireLogin,
  insertTicketInstallRows,
  servePortalBeside,
  startDolibarrHost,
  ticketModuleUnavailable,
} from './dolibarr-host.ts';

const reason = ticketModuleUnavailable();
const PASSWORD = 'Claire-portal-2026';

describe('dolibarr host: devices over HTTP', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;
  let router: number;
  let garage: number;
  let otherEntity: number;
  let routerProduct: number;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true, portalTables: true });
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    await enableProductBatch(db);
    routerProduct = await insertProduct(db, { ref: 'RTR-AX55', label: 'Office router AX55', tobatch: 2 });
    const elsewhere = await insertProduct(db, { ref: 'RTR-AX55', label: 'Router of entity 2', tobatch: 2, entity: 2 });
    router = await insertLot(db, { productId: routerProduct, batch: 'SN-RTR-0001', barcode: 'AL-000123' });
    garage = await insertLot(db, { productId: routerProduct, batch: 'SN-RTR-0009' });
    otherEntity = await insertLot(db, { productId: elsewhere, batch: 'SN-RTR-0001', entity: 2 });
    await shipSerials(db, seed, {
      fk_soc: seed.companies.bakery,
      fk_statut: 2,
      day: '2026-01-10',
      delivered: '2026-01-12',
      serials: [{ productId: routerProduct, batch: 'SN-RTR-0001' }],
    });
    await shipSerials(db, seed, {
      fk_soc: seed.companies.garage,
      fk_statut: 1,
      day: '2026-01-11',
      serials: [{ productId: routerProduct, batch: 'SN-RTR-0009' }],
    });
    await shipSerials(db, seed, {
      fk_soc: seed.companies.bakery,
      fk_statut: 1,
      day: '2026-01-11',
      entity: 2,
      serials: [{ productId: elsewhere, batch: 'SN-RTR-0001' }],
    });
    running = await servePortalBeside(
      host,
      createDolibarrAdapter(db, {
        workspaceSlug: seed.workspaceSlug,
        dataRoot: host.dataRoot,
        actingUserId: seed.users.admin,
        tickets: true,
        devices: true,
      }),
    );
    base = `/portal/${seed.workspaceSlug}`;
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', show_tickets: true, show_devices: true })
      .onConflict('workspace_id')
      .merge();
    claire = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('lists and shows the serials shipped to the company, opens a ticket about one, and never another’s', async function () {
    const list = await claire.get(`${base}/devices`).expect(200);
    expect(list.text).to.include('Office router AX55').and.include('SN-RTR-0001').and.not.include('SN-RTR-0009');
    for (const lot of [garage, otherEntity]) {
      await claire.get(`${base}/devices/${lot}`).expect(404);
      await claire.get(`${base}/tickets/new`).query({ device: lot }).expect(404);
    }
    const page = await claire.get(`${base}/devices/${router}`).expect(200);
    expect(page.text).to.include(`${base}/tickets/new?device=${router}`).and.include('AL-000123');
    const form = await claire.get(`${base}/tickets/new`).query({ device: router }).expect(200);
    expect(form.text).to.include('About the device Office router AX55');
    const tickets = async () => Number((await host.db('llx_ticket').count<{ count: string }[]>('* as count'))[0]!.count);
    const before = await tickets();
    await claire
      .post(`${base}/tickets`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), subject: 'Garage router', description: 'Not ours.', deviceId: String(garage) })
      .expect(404);
    expect(await tickets()).to.equal(before);
    await claire
      .post(`${base}/tickets`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), subject: 'Router drops Wi-Fi', description: 'Every evening.', deviceId: String(router) })
      .expect(303);
    const ticket = await host.db('llx_ticket').where({ subject: 'Router drops Wi-Fi' }).first('rowid');
    const link = await host.db('llx_element_element').where({ fk_target: ticket.rowid, targettype: 'ticket' }).first();
    expect(link).to.deep.include({ fk_source: router, sourcetype: 'productlot' });
    expect((await claire.get(`${base}/devices/${router}`).expect(200)).text).to.include('Router drops Wi-Fi');
  });

  describe('statements per page', function () {
    let counter: QueryCounter;
    before(() => {
      counter = countQueries();
    });
    after(() => counter?.stop());

    // The session and client user come once from the store; the list reads one page of devices;
    // a device's page the device, then its tickets in a transaction of their own (BEGIN, jit off,
    // the page, COMMIT: queries/tickets.ts listTickets).
    const budgets = (): Record<string, number> => ({
      [`${base}/devices`]: 3,
      [`${base}/devices?q=router&state=active`]: 3,
      [`${base}/devices/${router}`]: 7,
    });
    const pages = () => Object.keys(budgets());
    async function cost(url: string) {
      await claire.get(url).expect(200); // Warm: the first request may load what later ones reuse.
      return counter.measure(() => claire.get(url).expect(200));
    }

    it('do not grow with the number of devices and tickets', async function () {
      const { db, seed } = host;
      const before = new Map<string, Awaited<ReturnType<typeof cost>>>();
      for (const url of pages()) before.set(url, await cost(url));
      const serials = [];
      for (let i = 0; i < 30; i++) {
        const batch = `SN-RTR-1${String(i).padStart(3, '0')}`;
        await insertLot(db, { productId: routerProduct, batch });
        serials.push({ productId: routerProduct, batch });
      }
      await shipSerials(db, seed, { fk_soc: seed.companies.bakery, fk_statut: 1, day: '2026-02-01', serials });
      const adapter = createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, tickets: true, devices: true });
      const subject = { description: 'More data', categoryId: null, typeId: null, priorityId: null };
      for (let i = 0; i < 10; i++)
        await adapter.tickets!.create('1', String(seed.companies.bakery), String(seed.contacts.claire), {
          ...subject,
          subject: `Budget ticket ${i}`,
          deviceId: String(router),
        });
      const counted: string[] = [];
      for (const url of pages()) {
        const after = await cost(url);
        const was = before.get(url)!;
        expect(after.count, `${describeQueries(url, after)}\nwith the seed: ${was.count}`).to.equal(was.count);
        expect(after.count, describeQueries(url, after)).to.be.at.most(budgets()[url]!);
        counted.push(`${url.replace(base, '')}: ${after.count}`);
      }
      console.log(`      statements: ${counted.join(', ')}`);
    });
  });
});
