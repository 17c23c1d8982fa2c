// C. Public pages: a record opened without signing in, by link. A page that answers is the
// strongest evidence; a share-token column says the host can resolve such links; neither means
// missing. A 404 for a made-up token is ambiguous and is reported as such.
import { clientSignsOnline } from '../findings/document-flow.ts';
import { PROBE_TOKEN } from '../routes/probe-routes.ts';
import type { Answer, ConceptId, Evidence, Status } from '../report-schema.ts';
import { answer, concept, decisionFor, evidenceOf, probeOf, routeEvidence, served, type AnswerContext } from './answer-context.ts';

interface PublicSpec {
  id: string;
  question: string;
  concept: ConceptId;
  path: string;
}

const PAGES: PublicSpec[] = [
  { id: 'C1', question: 'Is there a public proposal view?', concept: 'proposal', path: '/public/proposal' },
  { id: 'C2', question: 'Is there a public quotation view?', concept: 'quotation', path: '/public/quotation' },
  { id: 'C3', question: 'Is there a public invoice view?', concept: 'invoice', path: '/public/invoice' },
];

function publicPage(context: AnswerContext, spec: PublicSpec): Answer {
  const data = concept(context, spec.concept);
  const table = data.chosenTable;
  const profile = table ? context.model.byName.get(table) : undefined;
  const tokens = profile?.roles.get('shareToken') ?? [];
  const evidence: Evidence[] = [];
  const probe = probeOf(context, spec.path);
  if (probe) evidence.push(routeEvidence(probe));
  for (const column of tokens)
    evidence.push({ kind: 'column', ref: `${table}.${column.name}`, detail: `share token column (${column.type})` });

  // A client who signs a proposal online does so on a page reached without the staff UI: the host
  // has such a page, though the schema holds no token to say how it is opened.
  const signature = concept(context, 'signature');
  const signsHere =
    (spec.concept === 'proposal' || spec.concept === 'quotation') &&
    table !== null &&
    clientSignsOnline(signature) &&
    signature.evidence.some((e) => e.ref.startsWith(`${table}.`));
  if (signsHere)
    evidence.push({
      kind: 'column',
      ref: signature.evidence.find((e) => e.ref.startsWith(`${table}.`))?.ref ?? table ?? '',
      detail:
        'clients sign these records online: the host serves a page to open and sign them (see B4); no share-token column says how its link is built',
    });

  let status: Status;
  if (served(context, spec.path)) status = 'exists';
  else if (tokens.length > 0 || signsHere) status = 'partial';
  else status = 'missing';

  if (status !== 'exists') {
    if (!context.routes)
      evidence.push({ kind: 'absence', ref: `${spec.path}/<token>`, detail: 'route not probed (run with --app-url to check)' });
    else if (probe?.reading === 'not_found')
      evidence.push({
        kind: 'absence',
        ref: `${spec.path}/${PROBE_TOKEN}`,
        detail: 'a 404 for a made-up token: no such page, or a page that hides unknown records',
      });
    if (tokens.length === 0)
      evidence.push({
        kind: 'absence',
        ref: table ?? data.label,
        detail: table ? 'no share-token column to resolve a public link' : 'no such records in the host',
      });
  }
  return answer(
    spec.id,
    spec.question,
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's public page (${spec.path}/…); the portal does not serve a second one for this host`,
      complete: `the portal serves the public page through its public-links router; the host's share tokens on ${table} are kept and resolved through the adapter`,
      add: table
        ? `add a public ${spec.concept} page served by the portal's public-links router, reading ${table} through the adapter; link tokens are stored hashed by the portal, the host table is not altered`
        : `nothing to publish: the host has no ${spec.concept} records`,
    }),
    [spec.concept, 'publicLinks'],
  );
}

export function publicPageAnswers(context: AnswerContext): Answer[] {
  const answers = PAGES.map((spec) => publicPage(context, spec));

  // C4: an acceptance workflow the client drives (online signature or a public page that answers).
  const acceptance = concept(context, 'acceptance');
  const signature = concept(context, 'signature');
  const clientSigns = clientSignsOnline(signature);
  const publicPage_ = ['/public/proposal', '/public/quotation'].some((p) => served(context, p));
  const status: Status =
    acceptance.status === 'exists' && (clientSigns || publicPage_)
      ? 'exists'
      : acceptance.status === 'missing' && !clientSigns
        ? 'missing'
        : 'partial';
  const evidence = [...evidenceOf(acceptance, 5), ...(signature.status === 'exists' ? evidenceOf(signature, 3) : [])];
  if (status === 'partial')
    evidence.push({
      kind: 'absence',
      ref: 'client-facing acceptance',
      detail: 'the host records decisions, but nothing shows the client can make them (no online signature, no public page answered)',
    });
  answers.push(
    answer(
      'C4',
      'Is there an acceptance workflow for clients?',
      status,
      evidence,
      decisionFor(status, {
        keep: `keep the host's acceptance workflow (${acceptance.chosenTable}); the portal shows its outcome`,
        complete: `the portal adds accept/decline for the client; the decision is written through the adapter into the host's own status${acceptance.status === 'partial' ? ' once the adapter maps the integer codes' : ''}`,
        add: 'add the portal acceptance flow; with no host status for it, the decision is kept in client_activity_logs',
      }),
      ['acceptance', 'signature', 'publicLinks'],
    ),
  );
  return answers;
}
