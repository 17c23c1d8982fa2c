// The files of the knowledge base beside its code: the agency's published help articles.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as articleVotes from './migrations/20270614000001_article_votes.ts';
import * as articleVoteCountsIndex from './migrations/20270619000001_article_vote_counts_index.ts';
import * as showKnowledgeBase from './migrations/20270401000001_show_knowledge_base.ts';

export const knowledgeBaseManifest: FeatureManifest = {
  name: 'knowledge-base',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270401000001_show_knowledge_base': showKnowledgeBase,
    '20270614000001_article_votes': articleVotes,
    '20270619000001_article_vote_counts_index': articleVoteCountsIndex,
  },
  // Clients' answers on a host's articles: only a host that keeps a knowledge base has them.
  staffPages: [{ path: '/help-feedback', label: 'knowledge:staffNav', order: 80, withPorts: ['knowledgeBase'] }],
};
