// What a host keeps for the knowledge base in the audit's words (its articles): a binding's claims
// name them. The audit reads this file without a portal (src/features/host-concepts.ts), so it imports
// nothing.
export const KNOWLEDGE_BASE_HOST_CONCEPTS = ['kbArticle'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    'knowledge-base': (typeof KNOWLEDGE_BASE_HOST_CONCEPTS)[number];
  }
}
