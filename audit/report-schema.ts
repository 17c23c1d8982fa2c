// The audit's findings as data. The JSON written by --json is validated against this schema, and
// the plugin reads it back later to check what an adapter claims against what the host really has.
// Bump AUDIT_REPORT_VERSION on any change a reader would have to know about.
import { z } from 'zod';
import { CORE_HOST_CONCEPTS, type HostConcept } from '../src/core/host-schema.ts';
import { FEATURE_HOST_CONCEPTS } from '../src/features/host-concepts.ts';

// 2: adapter claims are HostClaim lists (table and columns), claim checks name missing columns,
// proposedClaims, and plan tables the host makes unnecessary.
// 3: claims may carry a row filter (where), findings a rowFilter, and low-confidence picks their
// runnerUp with what would decide between the two.
// 4: route readings tell a refused method, a redirect away from sign-in and a catch-all answer
// from a served page; a pick a person must confirm is "unsure", and the report states how sure it
// is overall (sureness).
// 5: ten concepts of the service requests, appointments, knowledge base and surveys sections
// (serviceRequestType ... surveyTrigger), and the answers B11 to B14.
// 6: nine concepts of what a client has with the agency (salesOrder ... documentVersion), and the
// answers B15 to B18.
// 7: those nine, and the ten of version 5, are host concepts: an adapter claims them and the report
// proposes claims for them.
export const AUDIT_REPORT_VERSION = 7;

const StatusSchema = z.enum(['exists', 'partial', 'missing', 'not_checked']);
export type Status = z.infer<typeof StatusSchema>;

const DecisionSchema = z.object({
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

const EvidenceSchema = z.object({
  kind: z.enum(['table', 'column', 'constraint', 'index', 'comment', 'value', 'route', 'absence']),
  /** Schema-qualified table or table.column, a constraint name, or 'GET /path'. */
  ref: z.string(),
  detail: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/**
 * What a host may keep that the portal reads: core's concepts, then each feature's (in the order
 * of src/features/host-concepts.ts, which AUDIT_REPORT.md follows).
 */
export const HOST_CONCEPTS = [...CORE_HOST_CONCEPTS, ...FEATURE_HOST_CONCEPTS] as const;
// Every name the ports type is in the list: a feature's words left out of src/features/host-concepts.ts
// make this a type error (the claims could name them, the audit would never look for them).
const everyConceptListed: Record<Exclude<HostConcept, (typeof HOST_CONCEPTS)[number]>, never> = {};
void everyConceptListed;

/**
 * The concepts the portal always keeps in its own tables, so no adapter claims them: the audit
 * still looks for them in a host (what it would duplicate). With the host concepts (HOST_CONCEPTS,
 * which the ports type), every concept the audit knows, each named once.
 */
const PORTAL_KEPT_CONCEPTS = [
  'clientLoginCodes',
  'accessTokens',
  'acceptance',
  'signature',
  'publicLinks',
  'paymentMethods',
  'paymentGateway',
  'savedPaymentMethods',
  'recurringInvoices',
  'activityLog',
  'portalSettings',
  'permissions',
  'projectPhase',
] as const;
const CONCEPT_IDS = [...HOST_CONCEPTS, ...PORTAL_KEPT_CONCEPTS] as const;
const ConceptIdSchema = z.enum(CONCEPT_IDS);
export type ConceptId = z.infer<typeof ConceptIdSchema>;

/** Column = value pairs that select rows, as in HostClaim.where. */
const RowFilterSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type RowFilter = z.infer<typeof RowFilterSchema>;

const CandidateSchema = z.object({
  table: z.string(),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
});
export type Candidate = z.infer<typeof CandidateSchema>;

/** For a low-confidence pick: the next candidate, and what would decide between the two. */
const RunnerUpSchema = z.object({
  /** The runner-up table, schema-qualified; null when no other table qualified. */
  table: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  /** The signals each has that the other lacks, and the question that settles it. */
  decidedBy: z.string().min(1),
});
export type RunnerUp = z.infer<typeof RunnerUpSchema>;

const ConceptFindingSchema = z.object({
  id: ConceptIdSchema,
  label: z.string(),
  /** unsure: a pick a person must confirm; the chosen table and the runner-up are the two candidates. */
  status: z.enum(['exists', 'unsure', 'partial', 'missing']),
  /** The host table chosen for this concept, schema-qualified; null when nothing qualified. */
  chosenTable: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  /** A pick below the high-confidence mark: check it before relying on it. */
  lowConfidence: z.boolean(),
  candidates: z.array(CandidateSchema),
  /**
   * The rows of the chosen table that hold the concept, when the table also holds others: client
   * logins in a users table that also holds staff ({ share: true }, { type: 'portal' }).
   */
  rowFilter: RowFilterSchema.optional(),
  /** Present on every low-confidence pick. */
  runnerUp: RunnerUpSchema.optional(),
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
const SectionSchema = z.enum(['A', 'B', 'C', 'D', 'E', 'F']);
export type Section = z.infer<typeof SectionSchema>;

const AnswerSchema = z.object({
  id: z.string().regex(/^[A-F][0-9]+[a-z]?$/),
  section: SectionSchema,
  question: z.string(),
  status: StatusSchema,
  evidence: z.array(EvidenceSchema),
  decision: DecisionSchema,
  concepts: z.array(ConceptIdSchema),
});
export type Answer = z.infer<typeof AnswerSchema>;

const RouteProbeSchema = z.object({
  method: z.enum(['GET', 'HEAD']),
  path: z.string(),
  /** HTTP status, or null when nothing answered. */
  status: z.number().int().nullable(),
  location: z.string().nullable(),
  error: z.string().nullable(),
  /** How the audit reads it: the route answers, is not there, or could not be reached. */
  reading: z.enum([
    'answers',
    'protected',
    /** To a sign-in page. */
    'redirects',
    'redirects_elsewhere',
    /** 405 and the other 4xx: the request was refused, no page. */
    'refused',
    /** Answered as a path that cannot exist was: no evidence of a page. */
    'like_unknown',
    'not_found',
    'server_error',
    'no_answer',
  ]),
});
export type RouteProbe = z.infer<typeof RouteProbeSchema>;

/**
 * The concepts an adapter can claim (HOST_CONCEPTS above): the ones the portal reads
 * from the host or, for client credentials and comments, uses instead of its own tables. The other
 * concepts of the audit (PORTAL_KEPT_CONCEPTS) the portal always keeps itself, so an adapter has
 * nothing to claim for them.
 */
const HostConceptSchema = z.enum(HOST_CONCEPTS);

/** The shape of HostClaim (src/core/ports/host.ts), so a proposed claim can be pasted into an adapter. */
const HostClaimSchema = z.object({
  concept: HostConceptSchema,
  /** Schema-qualified in proposals; an adapter may leave out `public.`. */
  table: z.string().min(1),
  columns: z.array(z.string().min(1)),
  /** The rows that hold the concept, when the table also holds others (HostClaim.where). */
  where: RowFilterSchema.optional(),
});

const ClaimCheckSchema = z.object({
  concept: HostConceptSchema,
  /** The adapter serves this concept from the host (it has a claim for it). */
  claimed: z.boolean(),
  /** The claimed table, schema-qualified; null when not claimed. */
  table: z.string().nullable(),
  /** What the claim names that the catalog lacks: 'schema.table' or 'schema.table.column'. */
  missingInSchema: z.array(z.string()),
  found: z.enum(['exists', 'unsure', 'partial', 'missing']),
  /** The table the audit chose for the concept, if any. */
  foundTable: z.string().nullable(),
  agrees: z.boolean(),
  note: z.string(),
});
export type ClaimCheck = z.infer<typeof ClaimCheckSchema>;

const SurenessSchema = z.object({
  /** high: every pick the report relies on is confident; medium: some need a check; low: several are unsure. */
  level: z.enum(['high', 'medium', 'low']),
  /** Picks marked exists with high confidence. */
  sure: z.array(ConceptIdSchema),
  /** Picks marked exists below the high-confidence mark: a person should check them. */
  toCheck: z.array(ConceptIdSchema),
  /** Picks the report will not rely on: two candidates, and what decides between them. */
  unsure: z.array(ConceptIdSchema),
  /** One sentence for the top of the report. */
  text: z.string().min(1),
});
export type Sureness = z.infer<typeof SurenessSchema>;

export const AuditReportSchema = z.object({
  version: z.literal(AUDIT_REPORT_VERSION),
  /** How sure the report is overall, stated at its top. */
  sureness: SurenessSchema,
  generatedAt: z.string(),
  durationMs: z.number().nonnegative(),
  adapter: z.object({
    name: z.string(),
    description: z.string(),
    /** Where the adapter says the host keeps what it uses; a concept absent here the plugin provides. */
    claims: z.array(HostClaimSchema),
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
    tenant: z.object({ column: z.string(), tables: z.number().int(), of: z.number().int(), table: z.string().nullable() }).nullable(),
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
  /** One check per claim, and one per host concept the adapter does not claim. */
  adapterClaims: z.array(ClaimCheckSchema),
  /**
   * The claims an adapter for this host would declare: one per host concept found with enough
   * confidence, on the chosen table, with the columns the finding relied on. A starting point to
   * copy into plugins/<crm>/adapter.ts and trim to what the adapter really reads.
   */
  proposedClaims: z.array(HostClaimSchema),
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
        /** host_keeps: not created, because the host keeps this concept and the adapter uses its table. */
        state: z.enum(['will_create', 'installed', 'name_taken_by_host', 'host_keeps']),
        /** The host table that stands in for this one (host_keeps) or changes its role (client logins). */
        hostTable: z.string().nullable(),
        /** What differs on this host, e.g. no passwords in client_users when the host keeps logins. */
        note: z.string().nullable(),
      }),
    ),
    routes: z.array(z.object({ mount: z.string(), purpose: z.string(), conflict: z.string().nullable() })),
  }),
});
export type AuditReport = z.infer<typeof AuditReportSchema>;
