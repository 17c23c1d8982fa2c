// Covers the audit run with the Dolibarr binding's claims (`npm run audit -- --adapter dolibarr`)
// against Dolibarr's real schema with rows in it: every table and column the binding claims exists,
// the audit agrees on every concept but the workspace (Dolibarr without its multicompany module
// has no table of tenants: the binding's workspace is the configured entity, named from llx_const,
// which the audit rightly does not take for a workspace table), and it reads only. With the Ticket
// module on (dolibarr-ticket.sql), it picks the tables a person who knows Dolibarr would: llx_ticket,
// the ticket messages as the llx_actioncomm rows of code TICKET_MSG once such rows exist (the kind of
// an agenda event is data, not schema), never the staff-only TICKET_MSG_PRIVATE ones, llx_projet for
// projects, and no phase table.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { runAudit } from '../../audit/run-audit.ts';
import { publicTables } from '../support/schema-snapshot.ts';
import { startDolibarrHost, ticketModuleUnavailable, unavailable, type DolibarrHost } from './dolibarr-host.ts';

async function rowCounts(db: Knex, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number((await db(table).count<Array<{ count: string }>>('* as count'))[0]!.count);
  return counts;
}

const reason = unavailable();

describe("audit: a real Dolibarr database with the dolibarr binding's claims", function () {
  let host: DolibarrHost;

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('finds every claimed table and column, and changes no row', async function () {
    const tables = (await publicTables(host.db)).filter((table) => table.startsWith('llx_'));
    const before = await rowCounts(host.db, tables);
    const report = await runAudit({ databaseUrl: host.database.url, adapter: 'dolibarr' });
    expect(report.adapter.name).to.equal('dolibarr');
    expect(report.database.tablePrefix).to.equal('llx');
    const claims = report.adapterClaims.filter((claim) => claim.claimed);
    expect(claims.flatMap((claim) => claim.missingInSchema.map((column) => `${claim.table}.${column}`))).to.deep.equal([]);
    const disagreeing = claims.filter((claim) => !claim.agrees);
    expect(
      disagreeing.map((claim) => [claim.concept, claim.table]),
      JSON.stringify(disagreeing, null, 1),
    ).to.deep.equal([['workspace', 'public.llx_const']]);
    expect(await rowCounts(host.db, tables)).to.deep.equal(before);
  });
});

/** A ticket of the bakery and its conversation, as Ticket::create and Ticket::createTicketMessage write them. */
async function seedTicketConversation(host: DolibarrHost): Promise<void> {
  const { seed } = host;
  const [ticket] = await host.db('llx_ticket').insert(
    {
      entity: seed.entity,
      ref: 'TS2603-0001',
      track_id: 'k3v9q2m7x1c5',
      fk_soc: seed.companies.bakery,
      subject: 'Oven display flickers',
      message: 'The display of the new oven flickers since Monday.',
      fk_statut: 1,
      type_code: 'ISSUE',
      category_code: 'OTHER',
      severity_code: 'NORMAL',
      datec: '2026-03-02 09:00:00',
    },
    ['rowid'],
  );
  // Dolibarr numbers an event's ref like its id.
  const event = (ref: string, code: string, note: string, datep: string) => ({
    entity: seed.entity,
    ref,
    code,
    label: 'Message on ticket TS2603-0001',
    note,
    datep,
    datec: datep,
    fk_soc: seed.companies.bakery,
    fk_user_author: seed.users.staff,
    fk_element: ticket!.rowid,
    elementtype: 'ticket',
    percent: -1,
  });
  await host
    .db('llx_actioncomm')
    .insert([
      event('9001', 'TICKET_MSG', 'We are sending a technician on Thursday.', '2026-03-02 10:00:00'),
      event('9002', 'TICKET_MSG_PRIVATE', 'Probably the controller board; order a spare.', '2026-03-02 10:05:00'),
    ]);
}

const ticketReason = ticketModuleUnavailable();

describe('audit: a real Dolibarr database with the Ticket module on', function () {
  let host: DolibarrHost;

  before(async function () {
    if (ticketReason) this.skip();
    host = await startDolibarrHost({ ticketModule: true });
  });
  after(async function () {
    await host?.close();
  });

  if (ticketReason) it(`is skipped: ${ticketReason}`, () => {});

  it('picks llx_ticket and llx_projet, finds no phase table, and leaves the messages unsure while no row names them', async function () {
    const report = await runAudit({ databaseUrl: host.database.url, adapter: 'dolibarr' });
    const found = (id: string) => report.concepts.find((c) => c.id === id);
    expect(found('ticket')).to.include({ status: 'exists', chosenTable: 'public.llx_ticket' });
    expect(found('project')).to.include({ status: 'exists', chosenTable: 'public.llx_projet' });
    expect(found('projectPhase')).to.include({ status: 'missing', chosenTable: null });
    expect(found('projectPhase')?.notes.join('\n')).to.match(/no phases: the tasks of a project \(public\.llx_projet_task\.fk_projet\)/);
    // No agenda event names a ticket yet: which code marks a message is for a person to say.
    expect(found('ticketMessage')).to.include({ status: 'unsure', chosenTable: 'public.llx_actioncomm' });
    expect(found('ticketMessage')?.rowFilter).to.equal(undefined);
    expect(report.proposedClaims.map((c) => c.concept))
      .to.include('ticket')
      .and.not.include('ticketMessage');
    // llx_ticket declares no key; fk_soc is declared as a key to llx_societe on Dolibarr's other tables.
    expect(report.proposedClaims.find((c) => c.concept === 'ticket')?.columns).to.include.members(['rowid', 'entity', 'ref', 'fk_soc']);
  });

  it('takes the TICKET_MSG rows of llx_actioncomm as the messages, and names TICKET_MSG_PRIVATE as internal notes', async function () {
    await seedTicketConversation(host);
    const report = await runAudit({ databaseUrl: host.database.url, adapter: 'dolibarr' });
    const messages = report.concepts.find((c) => c.id === 'ticketMessage');
    expect(messages).to.include({ status: 'exists', chosenTable: 'public.llx_actioncomm' });
    expect(messages?.rowFilter).to.deep.equal({ code: 'TICKET_MSG' });
    expect(messages?.notes.join('\n')).to.include("code = 'TICKET_MSG_PRIVATE': the agency's internal notes, never shown to a client");
    const claim = report.proposedClaims.find((c) => c.concept === 'ticketMessage');
    expect(claim).to.deep.include({ table: 'public.llx_actioncomm', where: { code: 'TICKET_MSG' } });
    expect(claim?.columns).to.include.members(['id', 'code', 'elementtype', 'fk_element', 'note']);
    const b9 = report.answers.find((a) => a.id === 'B9');
    expect(b9?.decision.text).to.match(/which values of public\.llx_ticket\.fk_statut mean open, waiting on the client and closed/);
    expect(b9?.decision.text).to.not.include("how a ticket of public.llx_ticket is tied to the client's company");
  });
});
