// View models for the knowledge base: an article's link, category and opening words; its body as
// headings, paragraphs, lists, quotes and code, all text (the templates escape every word); and a
// `lang` attribute where an article is not in the page's language (a translation was missing), so
// a screen reader reads it with the right voice. For the agency: an article's answers counted.
import type { RequestI18n } from '../../core/index.ts';
import type { KnowledgeArticle, KnowledgeArticleSummary, KnowledgeBlock, KnowledgeCategory } from './port.ts';
import type { ArticleVoteCountsRow } from './queries.ts';

/** The language of a host's tag ("de_DE" → "de"), for a lang attribute; null when it is not one. */
function languageOf(tag: string | null): string | null {
  const match = tag ? /^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$/.exec(tag.trim()) : null;
  return match ? match[1]!.toLowerCase() : null;
}

export function presentArticleRow(i18n: RequestI18n, base: string, article: KnowledgeArticleSummary) {
  const language = languageOf(article.language);
  return {
    href: `${base}/knowledge/${encodeURIComponent(article.id)}`,
    title: article.title,
    category: article.category?.name ?? null,
    excerpt: article.excerpt,
    lang: language && language !== i18n.locale ? language : null,
  };
}

export function presentCategory(base: string, category: KnowledgeCategory, current: string | undefined) {
  return {
    href: `${base}/knowledge?${new URLSearchParams({ category: category.id })}`,
    name: category.name,
    articles: category.articles,
    current: category.id === current,
  };
}

type BodyPart = { kind: 'heading' | 'paragraph' | 'quote' | 'code'; text: string } | { kind: 'bullets' | 'steps'; items: string[] };

/** Blocks as the page shows them: a run of list items becomes one list. */
function bodyParts(blocks: readonly KnowledgeBlock[]): BodyPart[] {
  const parts: BodyPart[] = [];
  for (const block of blocks) {
    if (block.kind === 'bullet' || block.kind === 'numbered') {
      const kind = block.kind === 'bullet' ? 'bullets' : 'steps';
      const last = parts[parts.length - 1];
      if (last && last.kind === kind) last.items.push(block.text);
      else parts.push({ kind, items: [block.text] });
    } else parts.push({ kind: block.kind, text: block.text });
  }
  return parts;
}

export function presentArticle(i18n: RequestI18n, base: string, article: KnowledgeArticle) {
  return {
    ...presentArticleRow(i18n, base, article),
    categoryHref: article.category ? `${base}/knowledge?${new URLSearchParams({ category: article.category.id })}` : null,
    updated: article.updatedAt ? i18n.t('knowledge:updated', { date: i18n.fmt.day(article.updatedAt) }) : null,
    body: bodyParts(article.body),
  };
}

/**
 * One article's answers for the agency: its title from the host (`titles` null when the host gives
 * none: the id then names it; an id missing from them is an article removed in the host), how
 * many said yes and no, the share that said yes, and the newest answer.
 */
export function presentArticleVotes(i18n: RequestI18n, row: ArticleVoteCountsRow, titles: ReadonlyMap<string, string> | null) {
  const { t, fmt } = i18n;
  const title = titles === null ? t('knowledge:feedback.byId', { id: row.article_id }) : (titles.get(row.article_id) ?? null);
  const total = row.yes_count + row.no_count;
  return {
    title: title ?? t('knowledge:feedback.removed'),
    removed: title === null,
    id: row.article_id,
    yes: fmt.number(row.yes_count),
    no: fmt.number(row.no_count),
    helpful: t('knowledge:feedback.share', { percent: fmt.number(total > 0 ? Math.round((row.yes_count / total) * 100) : 0) }),
    latest: fmt.dateTime(row.last_voted_at),
  };
}
