// The knowledge base. Articles are the workspace's, the same for every client of it (no route is
// owned by one client); the article asked for is a published client article of workspace demo.
// A client of another workspace reaching it through their own portal is a 404 in
// src/features/knowledge-base/test/knowledge-base.test.ts.
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

async function article(world: MatrixWorld): Promise<string> {
  const db = world.h.crm.db;
  const row = await db('kb_articles')
    .where({ workspace_id: await demoWorkspaceId(db), title: 'Reset your password' })
    .first('id');
  return `/knowledge/${row.id}`;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/knowledge', url: () => '/knowledge?q=password', ownedByClient: false, switches: ['showKnowledgeBase'] },
  {
    method: 'GET',
    path: '/knowledge/suggestions',
    url: () => '/knowledge/suggestions?subject=reset%20password',
    ownedByClient: false,
    switches: ['showKnowledgeBase'],
  },
  { method: 'GET', path: '/knowledge/:articleId', url: article, ownedByClient: false, switches: ['showKnowledgeBase'] },
  {
    method: 'POST',
    path: '/knowledge/:articleId/helpful',
    url: async (world) => `${await article(world)}/helpful`,
    ownedByClient: false,
    switches: ['showKnowledgeBase'],
    form: { helpful: 'yes' },
    ownerStatus: [303],
  },
];
