// Runs the TicketsPort contract (tickets-contract.ts) against the three hosts with tickets: the
// reference CRM (its own tables, on either database engine), Dolibarr's real schema with the Ticket
// module's tables (dolibarr.sql + dolibarr-ticket.sql) and Alga PSA's real schema (alga-psa.sql).
// Each host's staff answer and internal note are written as its own screens write them.
import type { Knex } from 'knex';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { referenceTickets } from '../../plugins/reference-crm/binding/portal-tickets.ts';
import { insertTicketMessage } from '../../plugins/reference-crm/queries/tickets.ts';
import { startAlgaHost, unavailable as algaUnavailable } from '../alga-psa/alga-host.ts';
import { insertTicketInstallRows, startDolibarrHost, ticketModuleUnavailable } from '../dolibarr/dolibarr-host.ts';
import { idOf, startCrm } from '../reference-crm/support.ts';
import { describeTicketsContract, type TicketsContractSetup } from './tickets-contract.ts';

async function referenceCrm(): Promise<TicketsContractSetup> {
  const crm = await startCrm();
  const { db } = crm;
  const workspaceOf = async (slug: string) => (await db('workspaces').where({ slug }).first<{ id: number }>('id')).id;
  const demo = await workspaceOf('demo');
  const staff = await db('staff_users').where({ workspace_id: demo }).orderBy('id').first<{ id: number }>('id');
  const staffWrites = (isInternal: boolean) => async (ticketId: string, body: string) => {
    await insertTicketMessage(db, { workspaceId: demo, ticketId: Number(ticketId), author: { staffId: staff.id }, isInternal, body });
  };
  return {
    tickets: referenceTickets(db),
    workspaceId: String(demo),
    otherWorkspaceId: String(await workspaceOf('acme')),
    client: {
      clientId: String(await idOf(db, 'clients', { name: 'Northwind Traders' }, 'demo')),
      contactId: String(await idOf(db, 'contacts', { email: 'maria@northwind.test' }, 'demo')),
    },
    other: {
      clientId: String(await idOf(db, 'clients', { name: 'Bluebell Bakery' }, 'demo')),
      contactId: String(await idOf(db, 'contacts', { email: 'priya@bluebell.test' }, 'demo')),
    },
    agencyAnswer: staffWrites(false),
    internalNote: staffWrites(true),
    close: crm.close,
  };
}

async function dolibarr(): Promise<TicketsContractSetup> {
  // The portal's tables too, as they are wherever the portal runs: a client's close notes the
  // ticket's status in one of them.
  const host = await startDolibarrHost({ ticketModule: true, portalTables: true });
  const { db, seed } = host;
  await insertTicketInstallRows(db);
  const adapter = createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, actingUserId: seed.users.admin, tickets: true });
  // Ticket::createTicketMessage from the ticket card, by a logged-in staff user: public or private.
  const staffWrites = (code: string) => async (ticketId: string, note: string) => {
    const ticket = await db('llx_ticket')
      .where({ rowid: Number(ticketId) })
      .first<{ fk_soc: number }>('fk_soc');
    await db('llx_actioncomm').insert({
      ref: '(PROV)',
      entity: 1,
      datec: new Date(),
      datep: new Date(),
      fk_action: 40,
      code,
      fk_soc: ticket.fk_soc,
      fk_user_author: seed.users.staff,
      fk_user_action: seed.users.staff,
      label: 'Re: ticket',
      note,
      percent: -1,
      fk_element: Number(ticketId),
      elementtype: 'ticket',
    });
  };
  return {
    tickets: adapter.tickets!,
    workspaceId: '1',
    otherWorkspaceId: '2',
    client: { clientId: String(seed.companies.bakery), contactId: String(seed.contacts.claire) },
    other: { clientId: String(seed.companies.garage), contactId: String(seed.contacts.paul) },
    agencyAnswer: staffWrites('TICKET_MSG'),
    internalNote: staffWrites('TICKET_MSG_PRIVATE'),
    close: host.close,
  };
}

async function algaPsa(): Promise<TicketsContractSetup> {
  // The portal's tables beside Alga's, as a running portal has them: the binding keeps its ticket order there.
  const host = await startAlgaHost({ portalTables: true });
  const { db, seed } = host;
  const tenant = seed.tenant;
  const insert = async (table: string, row: Record<string, unknown>, key: string) => {
    const [inserted] = await db(table).insert(row).returning(key);
    return String((inserted as Record<string, unknown>)[key]);
  };
  // A tenant's ticket settings: its default board, the board's open and closed statuses, a priority.
  const board = await insert(
    'boards',
    { tenant, board_name: 'General Support', is_default: true, display_order: 1, default_assigned_to: seed.users.tech },
    'board_id',
  );
  const status = (name: string, order_number: number, is_closed: boolean, is_default: boolean) =>
    insert(
      'statuses',
      {
        tenant,
        board_id: board,
        name,
        status_type: 'ticket',
        item_type: 'ticket',
        order_number,
        is_closed,
        is_default,
        created_by: seed.users.admin,
      },
      'status_id',
    );
  await status('New', 1, false, true);
  await status('Closed', 2, true, false);
  const medium = await insert(
    'priorities',
    { tenant, priority_name: 'Medium', order_number: 1, item_type: 'ticket', created_by: seed.users.admin },
    'priority_id',
  );
  await db('boards').where({ tenant, board_id: board }).update({ default_priority_id: medium });
  // TicketModel.createComment from Alga's ticket screen: a thread of its own, then the comment.
  const staffWrites = (isInternal: boolean) => async (ticketId: string, note: string) => {
    await db.transaction(async (trx: Knex.Transaction) => {
      const [thread] = await trx('comment_threads')
        .insert({ tenant, ticket_id: ticketId, root_comment_id: '00000000-0000-0000-0000-000000000000', is_internal: isInternal })
        .returning('thread_id');
      const threadId = (thread as { thread_id: string }).thread_id;
      const [comment] = await trx('comments')
        .insert({
          tenant,
          ticket_id: ticketId,
          thread_id: threadId,
          user_id: seed.users.tech,
          note,
          is_internal: isInternal,
          is_resolution: false,
          author_type: 'internal',
          publish_state: 'published',
        })
        .returning('comment_id');
      await trx('comment_threads')
        .where({ tenant, thread_id: threadId })
        .update({ root_comment_id: (comment as { comment_id: string }).comment_id });
    });
  };
  return {
    tickets: host.adapter().tickets!,
    workspaceId: tenant,
    otherWorkspaceId: seed.otherTenant,
    client: { clientId: seed.clients.bakery, contactId: seed.contacts.claire },
    other: { clientId: seed.clients.garage, contactId: seed.contacts.paul },
    agencyAnswer: staffWrites(false),
    internalNote: staffWrites(true),
    close: host.close,
  };
}

describeTicketsContract('reference-crm', referenceCrm);
// Dolibarr and Alga PSA skip, saying why, where their real schemas cannot be loaded: psql and a
// PostgreSQL server (DATABASE_URL) are needed, which the embedded engine is not. CI's PostgreSQL pass runs them.
describeTicketsContract('dolibarr', dolibarr, ticketModuleUnavailable());
describeTicketsContract('alga-psa', algaPsa, algaUnavailable());
