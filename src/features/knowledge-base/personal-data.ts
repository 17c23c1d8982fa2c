// The knowledge base's part of a person's data: their "Was this helpful?" answers. The articles
// are the host's. An erasure removes the answers: a count of yes and no keeps no one's name, and
// one without them says nothing of the person.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { countPersonVotes, erasePersonVotes, personVotes } from './queries.ts';

export function knowledgePersonalData(deps: { db: Knex }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['portal_knowledge_votes'],

    async export({ workspaceId, user }) {
      const answers = (await personVotes(db, workspaceId, user.id)).map((row) => ({
        articleId: row.article_id,
        helpful: row.helpful,
        at: iso(row.voted_at),
      }));
      return { entries: [{ path: 'help-articles.json', json: { answers } }] };
    },

    async erase(trx, person) {
      return { counts: { helpfulAnswers: await erasePersonVotes(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ helpfulAnswers: countPersonVotes(db, person.workspaceId, person.id) }),
  };
}
