// What every answer builder gets: the concept findings, the route probes (null when --app-url was
// not given) and the schema model, plus helpers to cite routes and build answers.
import type { Findings } from '../findings/build-findings.ts';
import { learnedApplies } from '../recognition/learned.ts';
import type { SchemaModel, TableProfile } from '../recognition/schema-model.ts';
import {
  decision,
  type Answer,
  type ConceptFinding,
  type ConceptId,
  type Decision,
  type Evidence,
  type RouteProbe,
  type Section,
  type Status,
} from '../report-schema.ts';
import { routeServed } from '../routes/probe-routes.ts';

export interface AnswerContext {
  findings: Findings;
  routes: RouteProbe[] | null;
  model: SchemaModel;
}

export function concept(context: AnswerContext, id: ConceptId): ConceptFinding {
  const found = context.findings.get(id);
  if (!found) throw new Error(`No finding for ${id}`);
  return found;
}

export function probeOf(context: AnswerContext, path: string): RouteProbe | undefined {
  return context.routes?.find((r) => r.path === path || (r.path.startsWith(`${path}/`) && path.startsWith('/public/')));
}

export function served(context: AnswerContext, path: string): boolean {
  return routeServed(probeOf(context, path));
}

export function routeEvidence(probe: RouteProbe): Evidence {
  const detail =
    probe.status === null
      ? `no answer (${probe.error ?? 'unknown error'})`
      : `${probe.status}${probe.location ? ` → ${probe.location}` : ''} (${READINGS[probe.reading]})`;
  return { kind: 'route', ref: `${probe.method} ${probe.path}`, detail };
}

const READINGS: Record<RouteProbe['reading'], string> = {
  answers: 'the host serves this page',
  protected: 'the host serves it behind sign-in',
  redirects: 'the host redirects to a sign-in',
  redirects_elsewhere: 'the host redirects away from this page: no page here',
  refused: 'the host refuses the request: no page here',
  like_unknown: 'the host answers a path that cannot exist the same way: no evidence of a page',
  not_found: 'not served',
  server_error: 'the route exists but failed',
  no_answer: 'no answer',
};

/** Evidence for a list of paths, or a note that routes were not probed. */
export function routesEvidence(context: AnswerContext, paths: string[]): Evidence[] {
  if (!context.routes) return [{ kind: 'absence', ref: paths.join(', '), detail: 'routes not probed (run with --app-url to check)' }];
  return paths
    .map((p) => probeOf(context, p))
    .filter((p): p is RouteProbe => Boolean(p))
    .map(routeEvidence);
}

/**
 * A concept's status as an answer's: an unsure pick is "partial" there (the host likely has
 * something, and a person must say which of two tables), never "exists".
 */
type ConceptStatus = Status | 'unsure';
function asAnswer(status: ConceptStatus): Status {
  return status === 'unsure' ? 'partial' : status;
}

export function decisionFor(conceptStatus: ConceptStatus, texts: { keep: string; complete: string; add: string }): Decision {
  const status = asAnswer(conceptStatus);
  if (status === 'exists') return decision('keep', texts.keep);
  if (status === 'partial') return decision('complete', texts.complete);
  return decision('add', texts.add);
}

export function answer(
  id: string,
  question: string,
  conceptStatus: ConceptStatus,
  evidence: Evidence[],
  chosen: Decision,
  concepts: ConceptId[],
): Answer {
  const section = id.charAt(0) as Section;
  const status = asAnswer(conceptStatus);
  return { id, section, question, status, evidence: dedupe(evidence), decision: decision(chosen.kind, chosen.text), concepts };
}

function dedupe(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const k = `${e.kind}|${e.ref}|${e.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The concept's own evidence, or its "looked at" line when it has none. */
export function evidenceOf(finding: ConceptFinding, max = 6): Evidence[] {
  if (finding.evidence.length > 0) return finding.evidence.slice(0, max);
  return [{ kind: 'absence', ref: finding.label, detail: `not found; looked at ${finding.lookedAt}` }];
}

/**
 * How a comment can have a client author: a link to the client companies or contacts, or an
 * author link to the table that holds the client logins (a users table whose client rows sign in
 * to the portal: EspoCRM-style created_by_id → user with type 'portal'). Null: only staff write.
 */
export function clientAuthorOf(context: AnswerContext, comments: ConceptFinding): { evidence: Evidence; ref: string } | null {
  const profile = comments.chosenTable ? context.model.byName.get(comments.chosenTable) : undefined;
  if (!profile) return null;
  const clientTables = (['contact', 'company'] as const)
    .map((id) => concept(context, id).chosenTable)
    .filter((t): t is string => Boolean(t));
  const direct = profile.outgoing.find((l) => clientTables.includes(l.to));
  if (direct)
    return {
      ref: direct.to,
      evidence: linkCited(direct, `a comment can name a client author (${direct.columns.join(', ')} → ${direct.to})`),
    };
  // A client author through the logins table: learned on EspoCRM (d9be55af).
  if (!learnedApplies('espocrm')) return null;
  const logins = concept(context, 'clientCredentials');
  if (logins.status !== 'exists' || !logins.chosenTable || clientTables.includes(logins.chosenTable)) return null;
  const byLogin = profile.outgoing.find((l) => l.to === logins.chosenTable);
  if (!byLogin) return null;
  const rows = logins.rowFilter
    ? ` (its rows where ${Object.entries(logins.rowFilter)
        .map(([c, v]) => `${c} = ${JSON.stringify(v)}`)
        .join(' and ')})`
    : '';
  return {
    ref: byLogin.to,
    evidence: linkCited(
      byLogin,
      `a comment's author (${byLogin.columns.join(', ')} → ${byLogin.to}) may be a client: that table holds the client logins${rows}`,
    ),
  };
}

function linkCited(link: TableProfile['outgoing'][number], detail: string): Evidence {
  return {
    kind: link.declared ? 'constraint' : 'column',
    ref: link.declared ? `${link.from}: ${link.constraint}` : `${link.from}.${link.columns.join(', ')}`,
    detail,
  };
}
