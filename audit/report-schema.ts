// The audit's findings as data. The JSON written by --json is validated against this schema, and
// the plugin reads it back later to check what an adapter claims against what the host really has.
// Bump AUDIT_REPORT_VERSION on any change a reader would have to know about.
import { z } from 'zod';

export const AUDIT_REPORT_VERSION = 1;

export const StatusSchema = z.enum(['exists', 'partial', 'missing', 'not_checked']);
export type Status = z.infer<typeof StatusSchema>;

export const DecisionSchema = z.object({
  kind: z.enum(['keep', 'complete', 'add']),
  /** What exactly is kept, completed or added. */
  text: z.string().min(1),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** A decision whose text does not repeat its kind ("add: add client_users" reads "add: client_users"). */
export function decision(kind: Decision['kind'], text: string): Decision {
  const trimmed = text.startsWith(`${kind} `) ? text.slice(kind.length + 1) : text;
  return { kind, text: trimmed };
}

export const EvidenceSchema = z.object({
  kind: z.enum(['table', 'column', 'constraint', 'index', 'comment', 'value', 'route', 'absence']),
  /** Schema-qualified table or table.column, a constraint name, or 'GET /path'. */
  ref: z.string(),
  detail: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const CONCEPT_IDS = [
  'workspace',
  'company',
  'contact',
  'staffUser',
  'clientCredentials',
  'clientLoginCodes',
  'accessTokens',
  'proposal',
  'quotation',
  'invoice',
  'acceptance',
  'signature',
  'publicLinks',
  'payment',
  'paymentMethods',
  'paymentGateway',
  'task',
  'document',
  'comment',
  'activityLog',
  'portalSettings',
  'permissions',
] as const;
export const ConceptIdSchema = z.enum(CONCEPT_IDS);
export type ConceptId = z.infer<typeof ConceptIdSchema>;

export const CandidateSchema = z.object({
  table: z.string(),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
});
export type Candidate = z.infer<typeof CandidateSchema>;

export const ConceptFindingSchema = z.object({
  id: ConceptIdSchema,
  label: z.string(),
  status: z.enum(['exists', 'partial', 'missing']),
  /** The host table chosen for this concept, schema-qualified; null when nothing qualified. */
  chosenTable: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  /** A pick below the high-confidence mark: check it before relying on it. */
  lowConfidence: z.boolean(),
  candidates: z.array(CandidateSchema),
  evidence: z.array(EvidenceSchema),
  notes: z.array(z.string()),
  /** What was searched, so "missing" can be checked by a person. */
  lookedAt: z.string(),
  decision: DecisionSchema,
});
export type ConceptFinding = z.infer<typeof ConceptFindingSchema>;

export const SECTION_TITLES = {
  A: 'Client credentials and access',
  B: 'Client views',
  C: 'Public pages',
  D: 'Backend support',
  E: 'Frontend pages',
  F: 'Permissions and limitations',
} as const;
export const SectionSchema = z.enum(['A', 'B', 'C', 'D', 'E', 'F']);
export type Section = z.infer<typeof SectionSchema>;

export const AnswerSchema = z.object({
  id: z.string().regex(/^[A-F][0-9]+[a-z]?$/),
  section: SectionSchema,
  question: z.string(),
  status: StatusSchema,
  evidence: z.array(EvidenceSchema),
  decision: DecisionSchema,
  concepts: z.array(ConceptIdSchema),
});
export type Answer = z.infer<typeof AnswerSchema>;

export const RouteProbeSchema = z.object({
  method: z.enum(['GET', 'HEAD']),
  path: z.string(),
  /** HTTP status, or null when nothing answered. */
  status: z.number().int().nullable(),
  location: z.string().nullable(),
  error: z.string().nullable(),
  /** How the audit reads it: the route answers, is not there, or could not be reached. */
  reading: z.enum(['answers', 'protected', 'redirects', 'not_found', 'server_error', 'no_answer']),
});
export type RouteProbe = z.infer<typeof RouteProbeSchema>;

export const ClaimCheckSchema = z.object({
  concept: ConceptIdSchema,
  claimed: z.boolean(),
  found: z.enum(['exists', 'partial', 'missing']),
  agrees: z.boolean(),
  note: z.string(),
});
export type ClaimCheck = z.infer<typeof ClaimCheckSchema>;

export const AuditReportSchema = z.object({
  version: z.literal(AUDIT_REPORT_VERSION),
  generatedAt: z.string(),
  durationMs: z.number().nonnegative(),
  adapter: z.object({
    name: z.string(),
    description: z.string(),
    claims: z.partialRecord(ConceptIdSchema, z.boolean()),
  }),
  database: z.object({
    /** Host, port and database name; never the password. */
    target: z.string(),
    name: z.string(),
    user: z.string(),
    serverVersion: z.string(),
    schemas: z.array(z.string()),
    relationsInspected: z.number().int(),
    hostTables: z.number().int(),
    tablePrefix: z.string().nullable(),
    tenant: z
      .object({ column: z.string(), tables: z.number().int(), of: z.number().int(), table: z.string().nullable() })
      .nullable(),
    queries: z.number().int(),
    readOnlyTransaction: z.literal(true),
    /** The transaction never received a transaction id: nothing was written. */
    wroteNothing: z.boolean(),
  }),
  ignoredTables: z.object({
    installedByPortal: z.array(z.object({ table: z.string(), recorded: z.boolean() })),
    reservedPrefix: z.array(z.string()),
    bookkeeping: z.array(z.string()),
  }),
  concepts: z.array(ConceptFindingSchema),
  answers: z.array(AnswerSchema),
  routes: z.object({
    probed: z.boolean(),
    baseUrl: z.string().nullable(),
    results: z.array(RouteProbeSchema),
  }),
  adapterClaims: z.array(ClaimCheckSchema),
  summary: z.object({
    implemented: z.array(z.string()),
    partial: z.array(z.string()),
    missing: z.array(z.string()),
    notChecked: z.array(z.string()),
  }),
  pluginPlan: z.object({
    tables: z.array(
      z.object({
        name: z.string(),
        purpose: z.string(),
        state: z.enum(['will_create', 'installed', 'name_taken_by_host']),
      }),
    ),
    routes: z.array(z.object({ mount: z.string(), purpose: z.string(), conflict: z.string().nullable() })),
  }),
});
export type AuditReport = z.infer<typeof AuditReportSchema>;
