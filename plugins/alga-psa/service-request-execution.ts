// What Alga PSA does with a service request once it is saved: its submitPortalServiceRequest
// (server/src/lib/service-requests/submissionService.ts) runs the definition version's execution
// provider and records the outcome on the submission. The provider Alga ships itself,
// 'ticket-only' (providers/builtins/ticketOnlyExecutionProvider.ts), makes a ticket through
// TicketModel.createTicketWithRetry with the routing the MSP configured on the definition
// (execution_config: boardId, statusId, priorityId or ITIL impact and urgency, categoryId,
// subcategoryId, assignedToUserId, titleTemplate / titleFieldKey, descriptionPrefix,
// includeFormResponsesInDescription). This module reads that configuration and words the ticket
// as the provider does; queries/service-request-execution.ts writes it. Other providers are
// enterprise code (workflows, checkouts) the portal cannot run: their submissions stay 'pending'
// for the agency, as before.
import type { Knex } from 'knex';
import { type ExecutionOutcome, type TicketOnlyRouting, runTicketOnlyExecution } from './queries/service-request-execution.ts';

const TICKET_ONLY = 'ticket-only';

/** A non-empty string of the configuration, trimmed (the provider's getStringConfig). */
function stringConfig(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/** An integer of the configuration, given as a number or as text (the provider's getNumberConfig). */
function numberConfig(config: Record<string, unknown>, key: string): number | undefined {
  const value = config[key];
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && value.trim().length > 0) {
    const parsed = Number.parseInt(value.trim(), 10);
    return Number.isInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** "{{ field }}" replaced by the answer, '' for none (the provider's renderTemplate). */
function renderTemplate(template: string, payload: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_match, key: string) => {
    const value = payload[key];
    return value === null || value === undefined ? '' : String(value);
  });
}

/** The ticket's title: the template, else the configured field, else the first answer with text, else a name of the definition. */
function ticketTitle(payload: Record<string, unknown>, definitionId: string, config: Record<string, unknown>): string {
  const template = stringConfig(config, 'titleTemplate');
  if (template) {
    const rendered = renderTemplate(template, payload).trim();
    if (rendered.length > 0) return rendered;
  }
  const fieldKey = stringConfig(config, 'titleFieldKey');
  if (fieldKey) {
    const value = payload[fieldKey];
    if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  }
  const first = Object.values(payload).find((value) => typeof value === 'string' && value.trim().length > 0) as string | undefined;
  return first ? first.trim() : `Service Request ${definitionId.slice(0, 8)}`;
}

/** The ticket's description: "key: value" a line, in the form's order, after the configured prefix (plain text, as Alga writes it). */
function ticketDescription(payload: Record<string, unknown>, config: Record<string, unknown>): string {
  const prefix = stringConfig(config, 'descriptionPrefix');
  const lines = Object.entries(payload).map(([key, value]) => `${key}: ${String(value)}`);
  const summary = lines.length > 0 ? lines.join('\n') : 'No structured payload captured.';
  if (config.includeFormResponsesInDescription === false) return prefix ?? 'No structured payload captured.';
  return prefix ? `${prefix}\n\n${summary}` : summary;
}

/** Alga's ITIL matrix (packages/tickets lib/itilUtils.ts calculateItilPriority): impact × urgency → P1..P5. */
const ITIL_MATRIX: Record<number, Record<number, number>> = {
  1: { 1: 1, 2: 2, 3: 2, 4: 3, 5: 3 },
  2: { 1: 2, 2: 2, 3: 3, 4: 3, 5: 4 },
  3: { 1: 2, 2: 3, 3: 3, 4: 4, 5: 4 },
  4: { 1: 3, 2: 3, 3: 4, 4: 4, 5: 5 },
  5: { 1: 3, 2: 4, 3: 4, 4: 5, 5: 5 },
};

function itilPriorityLevel(impact: number, urgency: number): number {
  const level = ITIL_MATRIX[impact]?.[urgency];
  if (level === undefined) throw new Error('Impact and urgency must be between 1 and 5');
  return level;
}

/** The routing the MSP configured on the definition's version, in the provider's reading. */
function ticketOnlyRouting(config: Record<string, unknown>): TicketOnlyRouting {
  return {
    boardId: stringConfig(config, 'boardId') ?? null,
    statusId: stringConfig(config, 'statusId') ?? null,
    priorityId: stringConfig(config, 'priorityId') ?? null,
    categoryId: stringConfig(config, 'categoryId') ?? null,
    subcategoryId: stringConfig(config, 'subcategoryId') ?? null,
    assignedTo: stringConfig(config, 'assignedToUserId') ?? null,
    itilImpact: numberConfig(config, 'itilImpact') ?? null,
    itilUrgency: numberConfig(config, 'itilUrgency') ?? null,
  };
}

export interface SubmittedRequest {
  tenant: string;
  submissionId: string;
  definitionId: string;
  executionProvider: string;
  executionConfig: unknown;
  requesterUserId: string | null;
  clientId: string;
  contactId: string;
  /** The answers as saved on the submission, in the form's order. */
  payload: Record<string, unknown>;
}

/**
 * Runs the definition's execution as submitPortalServiceRequest does, in the submission's
 * transaction: for 'ticket-only' the ticket, and the submission 'succeeded' with its
 * created_ticket_id, or 'failed' with the reason when Alga's provider would fail (the ticket's
 * writes undone, the submission kept). Null for a provider the portal does not run.
 */
export async function executeSubmission(trx: Knex.Transaction, request: SubmittedRequest): Promise<ExecutionOutcome | null> {
  if (request.executionProvider !== TICKET_ONLY) return null;
  const config =
    request.executionConfig && typeof request.executionConfig === 'object' && !Array.isArray(request.executionConfig)
      ? (request.executionConfig as Record<string, unknown>)
      : {};
  const routing = ticketOnlyRouting(config);
  return runTicketOnlyExecution(trx, {
    tenant: request.tenant,
    submissionId: request.submissionId,
    routing,
    itilLevel: () => (routing.itilImpact && routing.itilUrgency ? itilPriorityLevel(routing.itilImpact, routing.itilUrgency) : null),
    title: ticketTitle(request.payload, request.definitionId, config),
    description: ticketDescription(request.payload, config),
    clientId: request.clientId,
    contactId: request.contactId,
    requesterUserId: request.requesterUserId,
  });
}
