// Satisfaction surveys beside Dolibarr, which keeps none: the portal keeps the answers
// (portal_ticket_ratings) and invites from what its news read finds. On a real Dolibarr database
// with the Ticket module: Claire opens a ticket through the portal (she is its SUPPORTCLI contact);
// staff close it in Dolibarr (the status menu's fk_statut alone, as CommonObject::setStatut writes
// it) and she is invited once, a colleague not; staff reopen and close it again: a second closing,
// a second invitation. Her own close through the portal invites no one, nor does a canceled ticket.
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { saveSettings } from '../../src/core/settings/queries.ts';
import { hostNewsPass, portalOnHost, type PortalOnHost } from '../support/portal-on-host.ts';
import {
  insertClaireLogin,
  insertTicketInstallRows,
  startDolibarrHost,
  ticketModuleUnavailable,
  type DolibarrHost,
} from './dolibarr-host.ts';

const reason = ticketModuleUnavailable();

describe('dolibarr host: a ticket staff close in Dolibarr invites who opened it to the portal’s survey', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let adapter: HostAdapter;

  const pass = () => hostNewsPass(host.db, running);
  const invitations = (ticketId: number) =>
    host
      .db('portal_client_notifications as n')
      .join('client_users as u', function joinUser() {
        this.on('u.workspace_id', '=', 'n.workspace_id').andOn('u.id', '=', 'n.client_user_id');
      })
      .where({ 'n.workspace_id': '1', 'n.kind': 'survey_invited', 'n.subject_id': String(ticketId) })
      .orderBy('n.id')
      .select('u.email', 'n.subject_type', 'n.occurrence', 'n.number');
  const setStatus = (ticketId: number, fkStatut: number) =>
    host.db('llx_ticket').where({ rowid: ticketId }).update({ fk_statut: fkStatut });

  /** Claire opens a ticket through the port, as the portal's form does: she becomes its SUPPORTCLI contact. */
  async function openTicket(subject: string): Promise<number> {
    const { seed } = host;
    const opened = await adapter.tickets!.create('1', String(seed.companies.bakery), String(seed.contacts.claire), {
      subject,
      description: subject,
      categoryId: null,
      typeId: null,
      priorityId: null,
    });
    if (!opened || 'refused' in opened) throw new Error('the ticket was not opened');
    return Number(opened.id);
  }

  before(async function () {
    // Skipped where no real Dolibarr database with the Ticket module's tables (dolibarr-ticket.sql) can
    // be made: psql and a PostgreSQL server (DATABASE_URL) are needed. CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true });
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    adapter = createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, actingUserId: seed.users.admin, tickets: true });
    running = await portalOnHost({
      db,
      databaseUrl: host.database.url,
      adapter,
      workspaceSlug: seed.workspaceSlug,
      from: 'Atelier Lumière <portal@atelier-lumiere.example>',
    });
    await running.portal.migrate();
    await insertClaireLogin(db, seed);
    await insertClientUser(db, {
      workspaceId: '1',
      clientId: String(seed.companies.bakery),
      contactId: String(seed.contacts.sophie),
      email: 'sophie@martin.example',
      status: 'active',
    });
    await saveSettings(db, '1', { showTickets: true }, String(seed.users.admin));
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('invites Claire once per closing staff set, never a colleague', async function () {
    const ticket = await openTicket('The oven door sticks');
    await pass();
    await setStatus(ticket, 8);
    await pass();
    const [first, ...more] = await invitations(ticket);
    expect(more).to.have.length(0);
    expect(first).to.include({ email: 'claire@martin.example', subject_type: 'survey' });
    expect(first!.occurrence).to.match(/^closed:\d+$/);
    expect(await pass()).to.equal(0);
    // Reopened and closed again in Dolibarr: a new closing, a new invitation.
    await setStatus(ticket, 3);
    await pass();
    await setStatus(ticket, 8);
    await pass();
    const both = await invitations(ticket);
    expect(both.map((row) => row.email)).to.deep.equal(['claire@martin.example', 'claire@martin.example']);
    expect(both[1]!.occurrence).to.not.equal(both[0]!.occurrence);
  });

  it('invites no one for her own close through the portal, nor for a ticket staff cancel', async function () {
    const { seed } = host;
    const own = await openTicket('Found the manual');
    await pass();
    await adapter.tickets!.setState('1', String(seed.companies.bakery), String(seed.contacts.claire), String(own), 'closed');
    await pass();
    const canceled = await openTicket('Never mind');
    await pass();
    await setStatus(canceled, 9);
    await pass();
    expect(await invitations(own)).to.have.length(0);
    expect(await invitations(canceled)).to.have.length(0);
  });
});
