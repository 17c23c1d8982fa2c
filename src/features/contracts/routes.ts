// Contracts routes, behind requireClient and the contracts section (the showContracts switch with
// the person's contracts permission): switched off, or without the permission, every page is a 404
// like one that does not exist. The contracts and time stay the agency's in its CRM; what the
// portal writes is a client's ask for more hours on a line (the company's), and its withdrawal (by
// who asked, or a client admin).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { ContractQuery, ContractsQuery, LineQuery, MoreHoursCommand, WithdrawHoursCommand } from './commands.ts';
import type { ContractsHandlers } from './handlers.ts';

export function contractsRoutes(h: ContractsHandlers): Router {
  const router = Router({ mergeParams: true });
  const contracts = allow.section('contracts');
  router.get('/contracts', contracts, validateQuery(ContractsQuery), h.list);
  router.get('/contracts/:contractId', contracts, validateQuery(ContractQuery), h.show);
  // An ask is the company's, as its contract is; withdrawing one is for who asked, or a client admin.
  router.post(
    '/contracts/:contractId/lines/:lineId/hours',
    contracts,
    allow.company('contracts'),
    validateBody(MoreHoursCommand, h.invalidAsk),
    h.askHours,
  );
  router.post(
    '/contracts/:contractId/hours/:requestId/withdraw',
    contracts,
    allow.own('contracts'),
    validateBody(WithdrawHoursCommand),
    h.withdrawHours,
  );
  router.get('/contracts/:contractId/lines/:lineId', contracts, validateQuery(LineQuery), h.line);
  router.get('/contracts/:contractId/lines/:lineId/entries.csv', contracts, validateQuery(LineQuery), h.entriesCsv);
  return router;
}
