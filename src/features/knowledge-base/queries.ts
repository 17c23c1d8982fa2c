// SQL for portal_knowledge_votes: a person's yes or no on a help article (one per article, the
// latest kept), and a person's answers for their data.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

interface VoteKey {
  workspaceId: string;
  articleId: string;
  clientUserId: string;
}

/** The person's answer, written or changed in one statement. */
export async function saveVote(db: Db, key: VoteKey, helpful: boolean, at: Date): Promise<void> {
  await db('portal_knowledge_votes')
    .insert({ workspace_id: key.workspaceId, article_id: key.articleId, client_user_id: key.clientUserId, helpful, voted_at: at })
    .onConflict(['workspace_id', 'article_id', 'client_user_id'])
    .merge(['helpful', 'voted_at']);
}

/** The person's answer on this article: true, false, or null for none yet. */
export async function voteOf(db: Db, key: VoteKey): Promise<boolean | null> {
  const row = await db('portal_knowledge_votes')
    .where({ workspace_id: key.workspaceId, article_id: key.articleId, client_user_id: key.clientUserId })
    .first<{ helpful: boolean } | undefined>('helpful');
  return row ? row.helpful : null;
}

export function personVotes(db: Db, workspaceId: string, clientUserId: string) {
  return db('portal_knowledge_votes')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('voted_at')
    .select<Array<{ article_id: string; helpful: boolean; voted_at: Date }>>('article_id', 'helpful', 'voted_at');
}

/** Erasure: a person's answers go with them (a count without them says nothing of anyone). */
export function erasePersonVotes(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_knowledge_votes').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

export function countPersonVotes(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_knowledge_votes').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}
