// The writes of Alga PSA's 'ticket-only' execution provider
// (server/src/lib/service-requests/providers/builtins/ticketOnlyExecutionProvider.ts) and of
// submitPortalServiceRequest's record of the outcome (submissionService.ts): the ticket as
// TicketModel.createTicket (shared/models/ticketModel.ts) inserts it, in a savepoint as the
// provider's own knex.transaction is one inside the submit action's transaction, then
// execution_status, created_ticket_id and execution_error_summary on the submission. Every
// statement is scoped by tenant.
import type { Knex } from 'knex';
import { noteTicketOrder } from './ticket-order.ts';

export interface TicketOnlyRouting {
  boardId: string | null;
  statusId: string | null;
  priorityId: string | null;
  categoryId: string | null;
  subcategoryId: string | null;
  assignedTo: string | null;
  itilImpact: number | null;
  itilUrgency: number | null;
}

export type ExecutionOutcome = { status: 'succeeded'; ticketId: string } | { status: 'failed'; errorSummary: string };

export interface TicketOnlyArgs {
  tenant: string;
  submissionId: string;
  routing: TicketOnlyRouting;
  /** The ITIL priority level (1–5) of the configured impact and urgency, null without both; throws out of range. */
  itilLevel: () => number | null;
  title: string;
  description: string;
  clientId: string;
  contactId: string;
  requesterUserId: string | null;
}

const failed = (errorSummary: string): ExecutionOutcome => ({ status: 'failed', errorSummary });

/** TicketModel.getDefaultStatusId: the board's default ticket status, else its first by order. */
async function defaultStatusId(trx: Knex.Transaction, tenant: string, boardId: string): Promise<string | null> {
  const marked = await trx('statuses')
    .where({ tenant, is_default: true, status_type: 'ticket', board_id: boardId })
    .first<{ status_id: string } | undefined>('status_id');
  if (marked) return marked.status_id;
  const first = await trx('statuses')
    .where({ tenant, status_type: 'ticket', board_id: boardId })
    .orderBy('order_number', 'asc')
    .first<{ status_id: string } | undefined>('status_id');
  return first?.status_id ?? null;
}

/** The provider's priority: the configured one, else the tenant's first by order; an ITIL pair picks the standard 'P<n> -' ticket priority where there is one. */
async function priorityId(trx: Knex.Transaction, args: TicketOnlyArgs): Promise<string | null> {
  let chosen =
    args.routing.priorityId ??
    (
      await trx('priorities')
        .where({ tenant: args.tenant })
        .orderBy('order_number', 'asc')
        .first<{ priority_id: string } | undefined>('priority_id')
    )?.priority_id ??
    null;
  const level = args.itilLevel();
  if (level !== null) {
    const itil = await trx('priorities')
      .where({ tenant: args.tenant, is_from_itil_standard: true, item_type: 'ticket' })
      .where('priority_name', 'like', `P${level} -%`)
      .first<{ priority_id: string } | undefined>('priority_id');
    if (itil) chosen = itil.priority_id;
  }
  return chosen;
}

/** TicketModel.validateBusinessRules for this ticket: the subcategory under the category, the status one of the board's ticket statuses. */
async function businessRuleErrors(trx: Knex.Transaction, args: TicketOnlyArgs, boardId: string, statusId: string): Promise<string[]> {
  const errors: string[] = [];
  const { categoryId, subcategoryId } = args.routing;
  if (categoryId && subcategoryId) {
    const sub = await trx('categories')
      .where({ tenant: args.tenant, category_id: subcategoryId })
      .first<{ parent_category: string | null } | undefined>('parent_category');
    if (sub && sub.parent_category !== categoryId)
      errors.push('Invalid category combination: subcategory must belong to the selected parent category');
  }
  const status = await trx('statuses')
    .where({ tenant: args.tenant, status_id: statusId, board_id: boardId, status_type: 'ticket' })
    .first('status_id');
  if (!status) errors.push('Invalid status: selected status does not belong to the selected board');
  return errors;
}

/** The provider's body: where the ticket goes, then TicketModel.createTicket's checks, number and row. */
async function createTicket(trx: Knex.Transaction, args: TicketOnlyArgs): Promise<ExecutionOutcome> {
  const { tenant, routing } = args;
  const boardId =
    routing.boardId ??
    (await trx('boards').where({ tenant, is_default: true }).first<{ board_id: string } | undefined>('board_id'))?.board_id ??
    null;
  if (!boardId) return failed('No ticket board is available for ticket-only execution.');
  const statusId = routing.statusId ?? (await defaultStatusId(trx, tenant, boardId));
  if (!statusId) return failed('No ticket status is available for ticket-only execution.');
  const priority = await priorityId(trx, args);
  if (!priority) return failed('No ticket priority is available for ticket-only execution.');
  const errors = await businessRuleErrors(trx, args, boardId, statusId);
  if (errors.length > 0) throw new Error(errors.join('; '));
  const { rows } = await trx.raw<{ rows: { number: string | null }[] }>(`select generate_next_number(?::uuid, 'TICKET') as number`, [
    tenant,
  ]);
  const ticketNumber = rows[0]?.number;
  if (!ticketNumber) throw new Error('Failed to generate ticket number');
  const now = new Date().toISOString();
  const [inserted] = await trx('tickets')
    .insert({
      tenant,
      title: args.title,
      ticket_number: ticketNumber,
      client_id: args.clientId,
      contact_name_id: args.contactId,
      location_id: null,
      // resolveTicketBillingProfileId: no profile chosen and no location, so none.
      billing_profile_id: null,
      status_id: statusId,
      assigned_to: routing.assignedTo,
      assigned_team_id: null,
      priority_id: priority,
      category_id: routing.categoryId,
      subcategory_id: routing.subcategoryId,
      board_id: boardId,
      source: 'client_portal',
      ticket_origin: 'client_portal',
      entered_by: args.requesterUserId,
      entered_at: now,
      updated_at: now,
      due_date: null,
      itil_impact: routing.itilImpact || null,
      itil_urgency: routing.itilUrgency || null,
      // The provider's description is plain text, kept as createTicket keeps it.
      attributes: JSON.stringify({ description: args.description }),
      email_metadata: null,
    })
    .returning<Array<{ ticket_id: string }>>('ticket_id');
  if (!inserted) throw new Error('insert into tickets returned no row');
  // Listed among the client's tickets at once (ticket-order.ts).
  await noteTicketOrder(trx, { tenant, ticketId: inserted.ticket_id });
  return { status: 'succeeded', ticketId: inserted.ticket_id };
}

/**
 * The ticket in a savepoint (a failure undoes its writes, as the provider's own transaction does,
 * and is its error summary), then the outcome on the submission as submitPortalServiceRequest
 * records it.
 */
export async function runTicketOnlyExecution(trx: Knex.Transaction, args: TicketOnlyArgs): Promise<ExecutionOutcome> {
  let outcome: ExecutionOutcome;
  try {
    outcome = await trx.transaction((savepoint) => createTicket(savepoint, args));
  } catch (error) {
    outcome = failed(error instanceof Error ? error.message : 'Ticket execution failed.');
  }
  const submission = trx('service_request_submissions').where({ tenant: args.tenant, submission_id: args.submissionId });
  if (outcome.status === 'succeeded')
    await submission.update({
      execution_status: 'succeeded',
      created_ticket_id: outcome.ticketId,
      workflow_execution_id: null,
      execution_error_summary: null,
      updated_at: trx.fn.now(),
    });
  else await submission.update({ execution_status: 'failed', execution_error_summary: outcome.errorSummary, updated_at: trx.fn.now() });
  return outcome;
}
