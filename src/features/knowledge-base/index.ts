// Knowledge base: the help articles the agency published for its clients, as the host keeps them.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createKnowledgeBaseHandlers } from './handlers.ts';
import { knowledgeBaseManifest } from './manifest.ts';
import { knowledgeBaseRoutes } from './routes.ts';

export function knowledgeBaseFeature(core: CoreServices): Feature {
  const { knowledgeBase } = core.adapter;
  return {
    name: knowledgeBaseManifest.name,
    needs: { ports: ['knowledgeBase'] },
    clientRoutes: knowledgeBase ? [knowledgeBaseRoutes(createKnowledgeBaseHandlers({ knowledgeBase }))] : [],
  };
}
