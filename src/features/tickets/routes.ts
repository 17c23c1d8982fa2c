// Tickets routes, behind requireClient and the tickets section (switched off, or without the
// permission, every page is a 404 like one that does not exist). Opening a ticket also asks the
// host's ticket:create grant where the host keeps client roles (mayOpen). A write the host does not
// record (TicketsPort.offers) is a 404 too (offers). A form with files
// carries its CSRF token in its body, checked as it is read (receiveForm).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { NewTicketCommand, NewTicketQuery, ReplyCommand, SurveyAnswerCommand, TicketActionCommand, TicketsQuery } from './commands.ts';
import type { TicketsHandlers } from './handlers.ts';

const TICKETS_PATH = '/tickets';
/** The two forms that may carry files, for the workspace router's multipart list. */
export const TICKETS_MULTIPART_PATHS = [TICKETS_PATH, `${TICKETS_PATH}/:ticketId/replies`];

export function ticketsRoutes(h: TicketsHandlers): Router {
  const router = Router({ mergeParams: true });
  const tickets = allow.section('tickets');
  router.get(TICKETS_PATH, tickets, validateQuery(TicketsQuery), h.list);
  router.get('/tickets/new', tickets, allow.company('tickets'), validateQuery(NewTicketQuery), h.newForm);
  router.post(
    TICKETS_PATH,
    tickets,
    allow.company('tickets'),
    h.mayOpen,
    h.receiveForm,
    validateBody(NewTicketCommand, h.invalidNew),
    h.create,
  );
  router.get('/tickets/:ticketId', tickets, h.show);
  router.post(
    '/tickets/:ticketId/replies',
    tickets,
    allow.company('tickets'),
    h.mayAct,
    h.offers('reply'),
    h.receiveForm,
    validateBody(ReplyCommand, h.invalidReply),
    h.reply,
  );
  router.post(
    '/tickets/:ticketId/close',
    tickets,
    allow.company('tickets'),
    h.mayAct,
    h.offers('close'),
    validateBody(TicketActionCommand),
    h.setState('closed'),
  );
  router.post(
    '/tickets/:ticketId/reopen',
    tickets,
    allow.company('tickets'),
    h.mayAct,
    h.offers('reopen'),
    validateBody(TicketActionCommand),
    h.setState('open'),
  );
  // The satisfaction survey of a closed ticket: seen by whoever reads the ticket, answered by who may act on it.
  router.get('/tickets/:ticketId/survey', tickets, h.survey);
  router.post(
    '/tickets/:ticketId/survey',
    tickets,
    allow.company('tickets'),
    h.mayAct,
    validateBody(SurveyAnswerCommand, h.invalidAnswer),
    h.answer,
  );
  router.get('/tickets/:ticketId/attachments/:attachmentId', tickets, h.attachment);
  router.get('/tickets/:ticketId/files/:fileId', tickets, h.hostFile);
  return router;
}
