// SQL for portal_knowledge_votes: a person's yes or no on a help article (one per article, the
// latest kept), a person's answers for their data, and the answers counted per article for the
// agency.
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

export interface ArticleVoteCountsRow {
  article_id: string;
  yes_count: number;
  no_count: number;
  last_voted_at: Date;
}

/** Where a page of counts goes on from: the last article of the page before, by its sort key. */
export interface VoteCountsKey {
  noCount: number;
  yesCount: number;
  articleId: string;
}

/**
 * The workspace's answers counted per article (since `since`, when given), in one statement: most
 * "no" first (what needs work), then fewest "yes", then by id, a page at a time after `after`. The
 * counts are grouped on the primary key's (workspace_id, article_id) order, so the statement reads
 * the workspace's answers once and no other workspace's; the page is cut from the groups.
 */
export function articleVoteCounts(
  db: Db,
  args: { workspaceId: string; since: Date | null; after: VoteCountsKey | null; limit: number },
): Promise<ArticleVoteCountsRow[]> {
  const counts = db('portal_knowledge_votes')
    .where('workspace_id', args.workspaceId)
    .groupBy('article_id')
    .select(
      'article_id',
      db.raw('(count(*) filter (where helpful))::int as yes_count'),
      db.raw('(count(*) filter (where not helpful))::int as no_count'),
      db.raw('max(voted_at) as last_voted_at'),
    );
  if (args.since) counts.where('voted_at', '>=', args.since);
  const rows = db
    .from(counts.as('c'))
    .select<ArticleVoteCountsRow[]>('c.article_id', 'c.yes_count', 'c.no_count', 'c.last_voted_at')
    .orderBy([{ column: 'c.no_count', order: 'desc' }, { column: 'c.yes_count' }, { column: 'c.article_id' }])
    .limit(args.limit);
  if (args.after)
    rows.whereRaw('(-c.no_count, c.yes_count, c.article_id) > (?, ?, ?)', [-args.after.noCount, args.after.yesCount, args.after.articleId]);
  return rows;
}
