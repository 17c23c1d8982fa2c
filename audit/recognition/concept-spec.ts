// What a concept's description is made of (words, columns, links, graph evidence) and what scoring
// knows while it scores (the tables already chosen, the tenant, the schema's tables by name), with
// the walk up a record's parents that descriptions and questions share. Below the descriptions
// (table-concepts.ts, section-concepts.ts) and the scoring (score-tables.ts), which all read it.
import type { ColumnRole } from './column-roles.ts';
import type { TableProfile } from './schema-model.ts';
import type { TableConceptId } from './vocabulary.ts';

export interface ColumnExpectation {
  weight: number;
  /** Shown as a reason when met ("has an amount column: total_ht"). */
  reason: string;
  roles?: ColumnRole[];
  test?: (profile: TableProfile, context: ScoringContext) => string | null;
}

interface LinkExpectation {
  /** Any of these concepts' chosen tables. */
  to: TableConceptId[];
  weight: number;
  reason: string;
}

export interface TableConceptSpec {
  id: TableConceptId;
  label: string;
  words: ReadonlyMap<string, number>;
  columns: ColumnExpectation[];
  links: LinkExpectation[];
  /** Graph evidence that is not a link to another concept: being the tenant table, being widely referenced. */
  graph?: (profile: TableProfile, context: ScoringContext) => { score: number; reason: string } | null;
  /** A polymorphic pair (element_type/element_id) satisfies the link expectation. */
  polymorphicCountsAsLink?: boolean;
  /** Name modifiers that are not a penalty for this concept (an activity log is a 'log'). */
  allowModifiers?: string[];
  /** Columns alone say little about this concept; without a name match the score is damped. */
  genericSignature?: boolean;
  /**
   * Records other tables hang off (clients, contacts, invoices, documents): how many tables point
   * at a candidate weighs in, so the table 39 others reference beats its satellites
   * (client_locations, contact_phone_numbers). Not for leaves such as payments, comments and logs.
   */
  central?: boolean;
  /** Dictionary tables are penalised, except for concepts that are dictionaries themselves. */
  lookupPenalty: boolean;
  /**
   * What the name says beyond single words: a pair of words where each alone is too vague
   * ("request" and "definition"). The words it used are not read as modifiers of the name.
   */
  nameEvidence?: (profile: TableProfile) => { score: number; reason: string; words: string[] } | null;
  /** Last words of a name that do not make it a satellite of the concept (availability_settings). */
  headWords?: ReadonlySet<string>;
  /** What else lowers a table's score for this concept, with the reason. */
  penalty?: (profile: TableProfile, context: ScoringContext) => { factor: number; reason: string } | null;
  /** Why a table can be this concept at most "unsure", whatever it scores (see TableConceptResult.atMostUnsure). */
  ceiling?: (profile: TableProfile, context: ScoringContext) => string | null;
  /** A table that fails this is penalised: not tied to the record it must hang off. */
  mustLink?: { test: (profile: TableProfile, context: ScoringContext) => boolean; factor: number; reason: string };
  /**
   * The columns that make the concept (a form kept as JSON, a start and an end, a rating): a
   * chosen table without them is at most "unsure", since only its name says it.
   */
  essential?: { test: (profile: TableProfile, context: ScoringContext) => string | null; what: string };
}

export interface ScoringContext {
  /** Tables already chosen for concepts scored earlier. */
  chosen: ReadonlyMap<TableConceptId, string>;
  /** The detected tenant table, if any. */
  tenantTable: string | null;
  /** The detected tenant column, if any. */
  tenantColumn?: string | null;
  /** How many tables point at the schema's most referenced table (the tenant table aside). */
  mostReferenced?: number;
  byName: ReadonlyMap<string, TableProfile>;
  /** The schema-wide table-name prefix set aside (llx, tbl), if any. */
  prefix: string | null;
}

/**
 * A record that belongs to a client through its parents (a project task → its phase → its project
 * → the client): up to three links up, never through the tenant table, a link table or itself,
 * nor through the staff users (who wrote a record says nothing about whose it is).
 */
export function parentPathTo(
  profile: TableProfile,
  targets: string[],
  context: Pick<ScoringContext, 'chosen' | 'tenantTable' | 'byName'>,
): string | null {
  let frontier: Array<{ table: TableProfile; path: string[] }> = [{ table: profile, path: [] }];
  const staff = context.chosen.get('staffUser');
  const seen = new Set([profile.qualified, ...(staff ? [staff] : [])]);
  for (let depth = 0; depth < 3; depth += 1) {
    const next: typeof frontier = [];
    for (const { table, path } of frontier) {
      for (const link of table.outgoing) {
        if (link.to === context.tenantTable || seen.has(link.to)) continue;
        if (depth > 0 && targets.includes(link.to)) return [...path, link.to].join(' → ');
        const parent = context.byName.get(link.to);
        if (!parent || parent.linkShaped) continue;
        seen.add(link.to);
        next.push({ table: parent, path: [...path, link.to] });
      }
    }
    frontier = next;
  }
  return null;
}
