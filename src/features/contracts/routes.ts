// Contracts routes, behind requireClient and the contracts section (the showContracts switch with
// the person's contracts permission): switched off, or without the permission, every page is a 404
// like one that does not exist. Read only: the agency keeps its contracts and time in its CRM.
import { Router } from 'express';
import { allow, validateQuery } from '../../core/index.ts';
import { ContractsQuery, LineQuery } from './commands.ts';
import type { ContractsHandlers } from './handlers.ts';

export function contractsRoutes(h: ContractsHandlers): Router {
  const router = Router({ mergeParams: true });
  const contracts = allow.section('contracts');
  router.get('/contracts', contracts, validateQuery(ContractsQuery), h.list);
  router.get('/contracts/:contractId', contracts, h.show);
  router.get('/contracts/:contractId/lines/:lineId', contracts, validateQuery(LineQuery), h.line);
  router.get('/contracts/:contractId/lines/:lineId/entries.csv', contracts, validateQuery(LineQuery), h.entriesCsv);
  return router;
}
