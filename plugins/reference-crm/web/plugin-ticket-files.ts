// The files plugins keep for a ticket (the client portal: those the client attached there), for
// the ticket's staff page: listed with the CRM's own, and served from the CRM's own route. The
// route has found the ticket in the staff member's workspace before either is asked. Likewise the
// asks for more hours plugins keep for a contract, listed and answered on its staff page.
import type { Response } from 'express';
import type { CrmCompanySurveys, CrmFileContent, CrmHourRequest, CrmPlugin, CrmSurveyAnswer, CrmTicketFile } from '../crm-plugin.ts';
import type { TicketRow } from '../queries/tickets.ts';
import { staffOf } from './auth.ts';

function askedBy(res: Response, ticket: TicketRow) {
  const staff = staffOf(res);
  return [
    { id: String(staff.id), workspaceId: String(staff.workspaceId) },
    { id: String(ticket.id), clientId: String(ticket.client_id) },
  ] as const;
}

/** Every plugin's files of the ticket, in the plugins' order. */
export async function pluginTicketFiles(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  ticket: TicketRow,
): Promise<CrmTicketFile[]> {
  const [staff, ref] = askedBy(res, ticket);
  const lists = await Promise.all((plugins ?? []).map((plugin) => plugin.ticketFiles?.(staff, ref) ?? Promise.resolve([])));
  return lists.flat();
}

/** The file with this id of the first plugin that has it on the ticket, or null. */
export async function pluginTicketFile(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  ticket: TicketRow,
  fileId: string,
): Promise<CrmFileContent | null> {
  const [staff, ref] = askedBy(res, ticket);
  for (const plugin of plugins ?? []) {
    const file = await plugin.ticketFileContent?.(staff, ref, fileId);
    if (file) return file;
  }
  return null;
}

/** The first plugin's answer to the ticket's satisfaction survey, or null. */
export async function pluginTicketSurvey(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  ticket: TicketRow,
): Promise<CrmSurveyAnswer | null> {
  const [staff, ref] = askedBy(res, ticket);
  for (const plugin of plugins ?? []) {
    const answer = await plugin.ticketSurvey?.(staff, ref);
    if (answer) return answer;
  }
  return null;
}

/** The first plugin's satisfaction of the company, or null. */
export async function pluginCompanySurveys(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  clientId: number,
): Promise<CrmCompanySurveys | null> {
  const staff = staffOf(res);
  for (const plugin of plugins ?? []) {
    const surveys = await plugin.companySurveys?.(
      { id: String(staff.id), workspaceId: String(staff.workspaceId) },
      { id: String(clientId) },
    );
    if (surveys) return surveys;
  }
  return null;
}

/** Every plugin's asks for more hours on the contract, in the plugins' order. */
export async function pluginHourRequests(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  contract: { id: number; client_id: number },
): Promise<CrmHourRequest[]> {
  const staff = staffOf(res);
  const lists = await Promise.all(
    (plugins ?? []).map(
      (plugin) =>
        plugin.contractHourRequests?.(
          { id: String(staff.id), workspaceId: String(staff.workspaceId) },
          { id: String(contract.id), clientId: String(contract.client_id) },
        ) ?? Promise.resolve([]),
    ),
  );
  return lists.flat();
}

/** Staff's answer to an ask: 'answered' by the first plugin that has it pending, else 'gone'. */
export async function pluginAnswerHourRequest(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  contract: { id: number; client_id: number },
  requestId: string,
  answer: { answer: 'agreed' | 'declined'; note: string },
): Promise<'answered' | 'gone'> {
  const staff = staffOf(res);
  for (const plugin of plugins ?? []) {
    const outcome = await plugin.answerContractHourRequest?.(
      { id: String(staff.id), workspaceId: String(staff.workspaceId) },
      { id: String(contract.id), clientId: String(contract.client_id) },
      requestId,
      answer,
    );
    if (outcome === 'answered') return outcome;
  }
  return 'gone';
}
