// The host port of the knowledge base's published articles (KnowledgeBasePort): what the portal needs
// from the host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding
// implements it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, Page, PageRequest } from '../../core/index.ts';

/** A category of the knowledge base, named in the reader's language where the host has it. */
export interface KnowledgeCategory {
  id: HostId;
  name: string;
  /** Its published client articles (one per article, whatever its translations). */
  articles: number;
}

/**
 * A piece of an article's body, as text: hosts keep markdown (the reference CRM), BlockNote JSON
 * (Alga PSA) or editor HTML (Dolibarr), and each turns it into these, so the portal renders
 * escaped text only and never a host's markup.
 */
export interface KnowledgeBlock {
  kind: 'heading' | 'paragraph' | 'bullet' | 'numbered' | 'quote' | 'code';
  text: string;
}

export interface KnowledgeArticleSummary {
  id: HostId;
  title: string;
  category: { id: HostId; name: string } | null;
  /** The article's language as the host tags it ("en", "de_DE"), or null where it keeps none. */
  language: string | null;
  /** The opening words of the body as plain text, at most about 200 characters. */
  excerpt: string;
  /** ISO 8601, or null. */
  updatedAt: string | null;
}

export interface KnowledgeArticle extends KnowledgeArticleSummary {
  body: KnowledgeBlock[];
}

/** Which articles KnowledgeBasePort.list returns; every part given narrows the list. */
interface KnowledgeFilter {
  categoryId?: HostId;
  /** The reader's words, each matched (as a word's beginning, any case) in the title or the body. */
  words?: string[];
}

/**
 * The articles an agency published for its clients (never drafts, never internal ones), as the
 * host's own client portal shows them. Every call is scoped by workspace and client (a host may
 * keep articles per tenant, or per client); `languages` is the reader's order of preference (their
 * language, then the workspace's): of an article kept in several languages, the first of them the
 * host has is given, else any one.
 */
export interface KnowledgeBasePort {
  categories(workspaceId: HostId, clientId: HostId, languages: readonly string[]): Promise<KnowledgeCategory[]>;
  /** By title, a page at a time. */
  list(
    workspaceId: HostId,
    clientId: HostId,
    languages: readonly string[],
    filter: KnowledgeFilter,
    page: PageRequest,
  ): Promise<Page<KnowledgeArticleSummary>>;
  /** One article, in the reader's language where it has a translation in it; null when not published for clients. */
  find(workspaceId: HostId, clientId: HostId, languages: readonly string[], id: HostId): Promise<KnowledgeArticle | null>;
  /** Up to `limit` articles matching any of `words`, best first (the new-ticket form's suggestions). */
  suggest(
    workspaceId: HostId,
    clientId: HostId,
    languages: readonly string[],
    words: readonly string[],
    limit: number,
  ): Promise<KnowledgeArticleSummary[]>;
  /**
   * Optional: the titles of these articles of the workspace, in one read, for the agency's page of
   * "Was this helpful?" answers (staff, so no client and no language: the title the host keeps,
   * whatever the article's state now, a draft or one made internal since included). An id the host
   * no longer keeps is left out of the map: the page says the article was removed. Without it the
   * page names each article by its id.
   */
  titles?(workspaceId: HostId, ids: readonly HostId[]): Promise<Map<HostId, string>>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** The knowledge base's published client articles; without it the Help section does not exist. */
    knowledgeBase?: KnowledgeBasePort;
  }
}
