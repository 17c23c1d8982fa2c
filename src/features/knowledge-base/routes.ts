// Knowledge base routes, behind requireClient and the knowledge section (the showKnowledgeBase
// switch with the person's knowledge permission): switched off, or without the permission, every
// page is a 404 like one that does not exist, suggestions included. Read only: the agency writes
// its articles in its CRM.
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import type { HelpFeedbackHandlers } from './admin-handlers.ts';
import { HelpFeedbackQuery, HelpfulCommand, KnowledgeQuery, SuggestionsQuery } from './commands.ts';
import type { KnowledgeBaseHandlers } from './handlers.ts';

export function knowledgeBaseRoutes(h: KnowledgeBaseHandlers): Router {
  const router = Router({ mergeParams: true });
  const knowledge = allow.section('knowledge');
  router.get('/knowledge', knowledge, validateQuery(KnowledgeQuery), h.list);
  // The new-ticket form asks this as the subject is typed (before /:articleId, which it would match).
  router.get('/knowledge/suggestions', knowledge, validateQuery(SuggestionsQuery), h.suggestions);
  router.get('/knowledge/:articleId', knowledge, h.show);
  // The person's own answer on the article, which only they change.
  router.post('/knowledge/:articleId/helpful', knowledge, allow.self, validateBody(HelpfulCommand), h.helpful);
  return router;
}

/** The agency's side: clients' answers counted per article, under the admin router (its admins, as client satisfaction). */
export function knowledgeBaseAdminRoutes(h: HelpFeedbackHandlers): Router {
  const router = Router();
  router.get('/help-feedback', validateQuery(HelpFeedbackQuery), h.list);
  return router;
}
