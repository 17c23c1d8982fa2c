// What happens to a proposal or quotation once sent: can the recipient accept or decline it (status
// values or decision dates), is a signature recorded (and by the client online?), and can a record
// be opened through a public link (a share token column)?
import type { CatalogColumn } from '../catalog/types.ts';
import { tokenize } from '../recognition/names.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { DECISION_WORDS, type TableConceptId } from '../recognition/vocabulary.ts';
import type { Evidence } from '../report-schema.ts';
import { absence, chosenProfile, columnEvidence, linksTo, list, type DraftFinding, type FindingsContext } from './context.ts';
import { checkValues, key } from './samples.ts';

interface StatusVocabulary {
  column: CatalogColumn;
  source: 'check constraint' | 'enum type' | 'column comment' | 'sampled values' | 'none';
  values: string[];
}

/** The values a status column can take, from the most authoritative place that states them. */
function statusVocabulary(context: FindingsContext, profile: TableProfile, column: CatalogColumn): StatusVocabulary {
  if (column.enumLabels.length > 0) return { column, source: 'enum type', values: column.enumLabels };
  const checked = checkValues(profile, column.name);
  if (checked.length > 0) return { column, source: 'check constraint', values: checked };
  if (column.comment) return { column, source: 'column comment', values: [column.comment] };
  const sampled = context.samples.statusValues.get(key(profile.qualified, column.name));
  if (sampled && sampled.length > 0) return { column, source: 'sampled values', values: sampled };
  return { column, source: 'none', values: [] };
}

function decisionWordsIn(values: string[]): string[] {
  const words = values.flatMap((v) => tokenize(v)).filter((w) => DECISION_WORDS.has(w));
  return [...new Set(words)];
}

const DOCUMENT_KINDS: TableConceptId[] = ['proposal', 'quotation'];

function documentTables(context: FindingsContext): TableProfile[] {
  const seen = new Set<string>();
  const out: TableProfile[] = [];
  for (const id of DOCUMENT_KINDS) {
    const profile = chosenProfile(context, id);
    if (profile && !seen.has(profile.qualified)) {
      seen.add(profile.qualified);
      out.push(profile);
    }
  }
  return out;
}

export function acceptanceFinding(context: FindingsContext): DraftFinding {
  const evidence: Evidence[] = [];
  let decisions = 0;
  let unlabelledCodes = 0;
  const tables = documentTables(context);
  for (const profile of tables) {
    for (const column of profile.roles.get('status') ?? []) {
      const vocabulary = statusVocabulary(context, profile, column);
      const words = decisionWordsIn(vocabulary.values);
      if (words.length > 0) {
        decisions += 1;
        evidence.push({
          kind: vocabulary.source === 'column comment' ? 'comment' : 'value',
          ref: `${profile.qualified}.${column.name}`,
          detail: `decision states in the ${vocabulary.source}: ${list(words)}`,
        });
      } else if (column.category === 'N' && vocabulary.source === 'none') {
        unlabelledCodes += 1;
        evidence.push(
          columnEvidence(profile.qualified, column, 'integer status codes without labels in the schema: cannot tell which mean accepted'),
        );
      } else if (vocabulary.values.length > 0) {
        evidence.push({
          kind: 'value',
          ref: `${profile.qualified}.${column.name}`,
          detail: `${vocabulary.source}: ${list(vocabulary.values)} (no accept/decline state)`,
        });
      }
    }
    for (const column of profile.roles.get('decisionTime') ?? []) {
      decisions += 1;
      evidence.push(columnEvidence(profile.qualified, column, 'records when the decision was made'));
    }
  }
  const lookedAt = `status values (check constraints, enum types, column comments, sampled text) and decision dates on ${tables.length > 0 ? list(tables.map((t) => t.qualified)) : 'the proposal/quotation tables (none found)'}`;
  const base = { id: 'acceptance' as const, label: 'Acceptance of proposals and quotations', candidates: [], notes: [], lookedAt };
  if (decisions > 0)
    return { ...base, status: 'exists', chosenTable: tables[0]?.qualified ?? null, confidence: 0.8, lowConfidence: false, evidence };
  if (unlabelledCodes > 0)
    return { ...base, status: 'partial', chosenTable: tables[0]?.qualified ?? null, confidence: 0.4, lowConfidence: true, evidence };
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    evidence: evidence.length > 0 ? evidence : [absence('proposal/quotation tables', 'no status or decision columns')],
  };
}

const SIGNATURE_TABLE_WORDS = new Set(['signature', 'signing', 'esign', 'approval', 'acceptance', 'unterschrift', 'signataire']);
const CLIENT_SIGNS_ONLINE = 'the client signs online (IP or signer columns)';
const CLIENT_SIGNER_WORDS = new Set(['online', 'client', 'customer', 'signer', 'kunde', 'ip', 'public']);

export function signatureFinding(context: FindingsContext): DraftFinding {
  const evidence: Evidence[] = [];
  let clientSigned = false;
  const documents = documentTables(context);
  for (const profile of documents) {
    for (const column of profile.roles.get('signature') ?? []) {
      const words = tokenize(column.name);
      const byClient = words.some((w) => CLIENT_SIGNER_WORDS.has(w));
      clientSigned ||= byClient;
      evidence.push(columnEvidence(profile.qualified, column, byClient ? 'signature recorded from the client online' : 'signature data'));
    }
  }
  const targets = documents.map((d) => d.qualified);
  for (const profile of context.model.profiles) {
    if (!profile.tokens.some((t) => SIGNATURE_TABLE_WORDS.has(t))) continue;
    const link = linksTo(profile, targets);
    if (!link && profile.polymorphic.length === 0) continue;
    clientSigned ||= profile.roles.has('ipAddress') || linksTo(profile, [context.tables.get('contact')?.chosen ?? '']) !== undefined;
    evidence.push({
      kind: 'table',
      ref: profile.qualified,
      detail: `signature/approval records${link ? ` linked to ${link.to}` : ' for any record'}`,
    });
  }
  const lookedAt = `signature, signed, sign, approval columns on ${documents.length > 0 ? list(targets) : 'the proposal/quotation tables (none found)'}, and signature/approval tables linked to them`;
  const base = { id: 'signature' as const, label: 'Digital signatures', candidates: [], lookedAt };
  if (evidence.length > 0) {
    return {
      ...base,
      status: 'exists',
      chosenTable: documents[0]?.qualified ?? null,
      confidence: 0.75,
      lowConfidence: false,
      evidence,
      notes: clientSigned ? [CLIENT_SIGNS_ONLINE] : ['signatures are recorded, but nothing shows the client signs online'],
    };
  }
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    evidence: [absence(documents.length > 0 ? list(targets) : 'proposal/quotation tables', 'no signature columns or signature tables')],
    notes: [],
  };
}

/** Whether the client signs online (used by answers to tell "client-facing" from "staff-only"). */
export function clientSignsOnline(finding: DraftFinding): boolean {
  return finding.status === 'exists' && finding.notes.includes(CLIENT_SIGNS_ONLINE);
}

const PUBLIC_KINDS: TableConceptId[] = ['proposal', 'quotation', 'invoice', 'document'];

export function publicLinksFinding(context: FindingsContext): DraftFinding {
  const evidence: Evidence[] = [];
  const kinds: TableConceptId[] = [];
  const seen = new Set<string>();
  for (const id of PUBLIC_KINDS) {
    const profile = chosenProfile(context, id);
    if (!profile || seen.has(profile.qualified)) continue;
    seen.add(profile.qualified);
    for (const column of profile.roles.get('shareToken') ?? []) {
      kinds.push(id);
      evidence.push(columnEvidence(profile.qualified, column, `share token: a ${id} can be opened through a public link`));
    }
  }
  const lookedAt = 'share, public token, securekey and access-key columns on the proposal, quotation, invoice and document tables';
  const base = { id: 'publicLinks' as const, label: 'Public links (share tokens)', candidates: [], lookedAt };
  const onDocumentsOnly = kinds.length > 0 && kinds.every((k) => k === 'document');
  if (kinds.length > 0) {
    return {
      ...base,
      status: onDocumentsOnly ? 'partial' : 'exists',
      chosenTable: evidence[0]?.ref.split('.').slice(0, -1).join('.') ?? null,
      confidence: 0.7,
      lowConfidence: false,
      evidence,
      notes: [`public links exist for: ${list([...new Set(kinds)])}`],
    };
  }
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    evidence: [absence('proposal/quotation/invoice/document tables', 'no share-token columns')],
    notes: [],
  };
}
