// Shared inputs and small helpers for the finding builders: each builder turns recognition
// results (and the few data samples) into a concept finding with its evidence.
import type { CatalogColumn } from '../catalog/types.ts';
import type { ConceptFinding, Evidence } from '../report-schema.ts';
import type { SchemaModel, TableProfile } from '../recognition/schema-model.ts';
import type { TableConceptResult } from '../recognition/score-tables.ts';
import type { TableConceptId } from '../recognition/vocabulary.ts';
import type { Samples } from './samples.ts';

export type DraftFinding = Omit<ConceptFinding, 'decision'>;

export interface FindingsContext {
  model: SchemaModel;
  tables: ReadonlyMap<TableConceptId, TableConceptResult>;
  samples: Samples;
}

export function chosenProfile(context: FindingsContext, id: TableConceptId): TableProfile | undefined {
  const chosen = context.tables.get(id)?.chosen;
  return chosen ? context.model.byName.get(chosen) : undefined;
}

/** Tables standing for the client side: the chosen company and contact tables. */
export function clientSideTables(context: FindingsContext): string[] {
  return (['company', 'contact'] as const).map((id) => context.tables.get(id)?.chosen).filter((t): t is string => Boolean(t));
}

export function linksTo(profile: TableProfile, targets: readonly string[]): TableProfile['outgoing'][number] | undefined {
  return profile.outgoing.find((l) => targets.includes(l.to));
}

export function columnEvidence(table: string, column: CatalogColumn, detail: string): Evidence {
  const comment = column.comment ? `; comment: "${column.comment}"` : '';
  return { kind: 'column', ref: `${table}.${column.name}`, detail: `${detail} (${column.type}${comment})` };
}

export function linkEvidence(link: TableProfile['outgoing'][number]): Evidence {
  return link.declared
    ? { kind: 'constraint', ref: `${link.from}: ${link.constraint}`, detail: `foreign key (${link.columns.join(', ')}) → ${link.to}` }
    : {
        kind: 'column',
        ref: `${link.from}.${link.columns.join(', ')}`,
        detail: `no declared foreign key; the name implies a link to ${link.to}`,
      };
}

export function tableEvidence(table: string, detail: string): Evidence {
  return { kind: 'table', ref: table, detail };
}

export function absence(ref: string, detail: string): Evidence {
  return { kind: 'absence', ref, detail };
}

export function list(values: readonly string[], max = 8): string {
  if (values.length === 0) return '(none)';
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
}

export function round(value: number): number {
  return Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;
}
