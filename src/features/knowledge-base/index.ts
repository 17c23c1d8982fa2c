// Knowledge base: the help articles the agency published for its clients, as the host keeps them.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createHelpFeedbackHandlers } from './admin-handlers.ts';
import { createKnowledgeBaseHandlers } from './handlers.ts';
import { knowledgeBaseManifest } from './manifest.ts';
import { knowledgePersonalData } from './personal-data.ts';
import { knowledgeBaseAdminRoutes, knowledgeBaseRoutes } from './routes.ts';

export function knowledgeBaseFeature(core: CoreServices): Feature {
  const { knowledgeBase } = core.adapter;
  const { db } = core;
  return {
    name: knowledgeBaseManifest.name,
    needs: { ports: ['knowledgeBase'] },
    clientRoutes: knowledgeBase ? [knowledgeBaseRoutes(createKnowledgeBaseHandlers({ db, knowledgeBase, now: core.now }))] : [],
    // Clients' "Was this helpful?" answers for the agency, beside a host whose articles they answer.
    adminRoutes: knowledgeBase ? [knowledgeBaseAdminRoutes(createHelpFeedbackHandlers({ db, knowledgeBase, now: core.now }))] : [],
    personalData: knowledgePersonalData({ db }),
  };
}
