// B. Client views: for each kind of record, does the host hold the data, and is there anything
// showing clients can see it (a client-visibility switch, a share token, an online client
// signature, a public page)? Data without client access is partial: the portal completes it.
import { clientSignsOnline } from '../findings/document-flow.ts';
import { parentPathTo } from '../recognition/concept-spec.ts';
import type { Answer, ConceptId, Evidence, Status } from '../report-schema.ts';
import {
  answer,
  clientAuthorOf,
  concept,
  decisionFor,
  evidenceOf,
  probeOf,
  routeEvidence,
  served,
  type AnswerContext,
} from './answer-context.ts';

interface ViewSpec {
  id: string;
  question: string;
  concept: ConceptId;
  /** What the portal adds on top of the host data. */
  portalPages: string;
  publicPath?: string;
}

const VIEWS: ViewSpec[] = [
  {
    id: 'B1',
    question: 'Can clients view proposals?',
    concept: 'proposal',
    portalPages: 'proposal list and detail pages with accept/decline, behind show_proposals',
    publicPath: '/public/proposal',
  },
  {
    id: 'B2',
    question: 'Can clients view quotations?',
    concept: 'quotation',
    portalPages: 'quotation list and detail pages with accept/decline, behind show_proposals',
    publicPath: '/public/quotation',
  },
  {
    id: 'B3',
    question: 'Can clients view invoices?',
    concept: 'invoice',
    portalPages: 'invoice list and detail pages (amounts, due dates, status), behind show_invoices',
    publicPath: '/public/invoice',
  },
];

function clientFacing(context: AnswerContext, spec: { concept: ConceptId; publicPath?: string }): Evidence[] {
  const data = concept(context, spec.concept);
  const table = data.chosenTable;
  if (!table) return [];
  const evidence: Evidence[] = [];
  const profile = context.model.byName.get(table);
  for (const column of profile?.roles.get('visibility') ?? []) {
    evidence.push({ kind: 'column', ref: `${table}.${column.name}`, detail: `per-record client visibility (${column.type})` });
  }
  for (const column of profile?.roles.get('shareToken') ?? []) {
    evidence.push({
      kind: 'column',
      ref: `${table}.${column.name}`,
      detail: `share token: records can be opened by link (${column.type})`,
    });
  }
  if (spec.concept === 'proposal' || spec.concept === 'quotation') {
    const signature = concept(context, 'signature');
    for (const e of signature.evidence) if (e.ref.startsWith(`${table}.`) && /client online/.test(e.detail)) evidence.push(e);
  }
  // Clients who sign in to the host are tied to a client table; records linked to that client (or
  // to the company of that contact) are what such a sign-in shows. The same reason holds for every
  // kind of record, so proposals and invoices of one portal are answered alike.
  const reach = signedInReach(context);
  const link = profile?.outgoing.find((l) => reach.has(l.to));
  if (link) {
    evidence.push({
      kind: link.declared ? 'constraint' : 'column',
      ref: link.declared ? `${link.from}: ${link.constraint}` : `${link.from}.${link.columns.join(', ')}`,
      detail: `these records belong to a client (${link.columns.join(', ')} → ${link.to}) that the host's client sign-in is tied to`,
    });
  }
  if (spec.publicPath && served(context, `${spec.publicPath}`)) {
    const probe = probeOf(context, spec.publicPath);
    if (probe) evidence.push(routeEvidence(probe));
  }
  return evidence;
}

/** The client-side tables a signed-in client of the host reaches: its login's client link, and that table's company. */
function signedInReach(context: AnswerContext): Set<string> {
  const credentials = concept(context, 'clientCredentials');
  const reach = new Set<string>();
  if (credentials.status !== 'exists' || !credentials.chosenTable || credentials.lowConfidence) return reach;
  const login = context.model.byName.get(credentials.chosenTable);
  const clientTables = (['company', 'contact'] as const)
    .map((id) => concept(context, id).chosenTable)
    .filter((t): t is string => Boolean(t));
  if (clientTables.includes(credentials.chosenTable)) reach.add(credentials.chosenTable);
  for (const l of login?.outgoing ?? []) if (clientTables.includes(l.to)) reach.add(l.to);
  for (const table of [...reach]) {
    for (const l of context.model.byName.get(table)?.outgoing ?? []) if (clientTables.includes(l.to)) reach.add(l.to);
  }
  return reach;
}

function viewStatus(hasData: boolean, clientLogin: boolean, facing: Evidence[]): Status {
  if (!hasData) return 'missing';
  return clientLogin && facing.length > 0 ? 'exists' : 'partial';
}

function viewAnswer(
  context: AnswerContext,
  spec: ViewSpec,
  extra: { status?: Status; evidence?: Evidence[]; complete?: string } = {},
): Answer {
  const data = concept(context, spec.concept);
  const login = concept(context, 'clientCredentials').status === 'exists';
  const facing = clientFacing(context, spec);
  const status = extra.status ?? viewStatus(data.status === 'exists', login, facing);
  const evidence = [...evidenceOf(data, 4), ...facing, ...(extra.evidence ?? [])];
  if (status === 'partial' && !login)
    evidence.push({ kind: 'absence', ref: 'client sign-in', detail: 'clients cannot sign in to the host (see A1)' });
  else if (status === 'partial' && facing.length === 0)
    evidence.push({
      kind: 'absence',
      ref: data.chosenTable ?? spec.concept,
      detail: 'nothing in the schema shows clients can see these records (no visibility switch, share token or client signature)',
    });
  return answer(
    spec.id,
    spec.question,
    status,
    evidence,
    decisionFor(status, {
      keep: `keep what the host shows clients (${data.chosenTable}); the portal lists the same records through the adapter and does not duplicate them`,
      complete:
        extra.complete ??
        `the portal adds the client-facing ${spec.portalPages}, reading ${data.chosenTable} through the adapter; the table is not altered`,
      add: data.decision.text,
    }),
    [spec.concept, 'clientCredentials'],
  );
}

export function clientViewAnswers(context: AnswerContext): Answer[] {
  const answers = VIEWS.map((spec) => viewAnswer(context, spec));

  // B4: approvals and digital signatures.
  const signature = concept(context, 'signature');
  const acceptance = concept(context, 'acceptance');
  const clientSigns = clientSignsOnline(signature);
  const b4: Status = clientSigns ? 'exists' : signature.status === 'exists' || acceptance.status !== 'missing' ? 'partial' : 'missing';
  answers.push(
    answer(
      'B4',
      'Are there approvals or digital signatures clients can give?',
      b4,
      [...evidenceOf(signature, 4), ...evidenceOf(acceptance, 4)],
      decisionFor(b4, {
        keep: `keep the host's online signing (${signature.chosenTable}); the portal shows the signed state and does not sign twice`,
        complete:
          'the portal lets the signed-in client accept or decline, written through the adapter as the host status; who and when go to client_activity_logs',
        add: 'add client accept/decline in the portal, recorded with time and IP in client_activity_logs (no drawn signature)',
      }),
      ['signature', 'acceptance'],
    ),
  );

  // B5: payment options.
  const methods = concept(context, 'paymentMethods');
  const gateway = concept(context, 'paymentGateway');
  const payments = concept(context, 'payment');
  const b5: Status =
    gateway.status === 'exists' ? 'exists' : methods.status === 'exists' || payments.status === 'exists' ? 'partial' : 'missing';
  answers.push(
    answer(
      'B5',
      'Are there payment options for clients?',
      b5,
      [...evidenceOf(gateway, 3), ...evidenceOf(methods, 3), ...(payments.status === 'exists' ? evidenceOf(payments, 2) : [])],
      decisionFor(b5, {
        keep: `keep the host's online payment (${gateway.chosenTable}); the portal links invoices to it`,
        complete:
          "invoices show the host's payment methods; clients pay online through Stripe (the installation's keys or the workspace's own) behind allow_online_payments",
        add: methods.decision.text,
      }),
      ['paymentMethods', 'paymentGateway', 'payment'],
    ),
  );

  // B6: tasks assigned to clients need a link from the task to a contact or company.
  const tasks = concept(context, 'task');
  const taskProfile = tasks.chosenTable ? context.model.byName.get(tasks.chosenTable) : undefined;
  const clientTables = (['contact', 'company'] as const)
    .map((id) => concept(context, id).chosenTable)
    .filter((t): t is string => Boolean(t));
  const taskLink = taskProfile?.outgoing.find((l) => clientTables.includes(l.to));
  const taskEvidence: Evidence[] = [];
  if (taskLink)
    taskEvidence.push({
      kind: taskLink.declared ? 'constraint' : 'column',
      ref: taskLink.declared ? `${taskLink.from}: ${taskLink.constraint}` : `${taskLink.from}.${taskLink.columns.join(', ')}`,
      detail: `tasks are tied to a client (${taskLink.columns.join(', ')} → ${taskLink.to})`,
    });
  else if (taskProfile) {
    const staff = concept(context, 'staffUser').chosenTable;
    const path = parentPathTo(taskProfile, clientTables, {
      chosen: new Map(staff ? [['staffUser', staff]] : []),
      tenantTable: context.model.tenant?.table ?? null,
      byName: context.model.byName,
    });
    taskEvidence.push(
      path
        ? {
            kind: 'absence',
            ref: taskProfile.qualified,
            detail: `tasks have no link of their own to a contact or company; they reach a client only through their parents (${path})`,
          }
        : { kind: 'absence', ref: taskProfile.qualified, detail: 'tasks have no link to a contact or company' },
    );
    for (const other of tasks.candidates.slice(1)) {
      const p = context.model.byName.get(other.table);
      const l = p?.outgoing.find((x) => clientTables.includes(x.to));
      if (p && l && other.confidence >= 0.3)
        taskEvidence.push({
          kind: 'table',
          ref: p.qualified,
          detail: `another task-like table links to clients (${l.columns.join(', ')} → ${l.to})`,
        });
    }
  }
  answers.push(
    viewAnswer(
      context,
      {
        id: 'B6',
        question: 'Are there tasks assigned to clients?',
        concept: 'task',
        portalPages: 'task list (assigned to the client) with completion, behind show_tasks',
      },
      {
        ...(tasks.status === 'exists' && !taskLink ? { status: 'partial' as Status } : {}),
        evidence: taskEvidence,
        ...(tasks.status === 'exists' && !taskLink
          ? {
              complete: `the host tasks (${tasks.chosenTable}) have no client link; the adapter must say which tasks a client may see before the portal lists them`,
            }
          : {}),
      },
    ),
  );

  // B7: file sharing.
  answers.push(
    viewAnswer(context, {
      id: 'B7',
      question: 'Is there file sharing with clients (documents)?',
      concept: 'document',
      portalPages: 'document list and downloads (uploads behind allow_file_uploads)',
    }),
  );

  // B8: messaging and comments: client-facing when clients can be authors.
  const comments = concept(context, 'comment');
  const commentProfile = comments.chosenTable ? context.model.byName.get(comments.chosenTable) : undefined;
  const byClient = clientAuthorOf(context, comments);
  const b8: Status = comments.status === 'missing' ? 'missing' : byClient ? 'exists' : 'partial';
  const b8Evidence = [...evidenceOf(comments, 4)];
  if (byClient) b8Evidence.push(byClient.evidence);
  else if (commentProfile)
    b8Evidence.push({ kind: 'absence', ref: commentProfile.qualified, detail: 'comments have no link to a client or contact: staff only' });
  answers.push(
    answer(
      'B8',
      'Is there messaging or commenting with clients?',
      b8,
      b8Evidence,
      decisionFor(b8, {
        keep: comments.decision.text,
        complete: `clients comment through the portal; the adapter writes to ${comments.chosenTable} where it can, behind allow_comments / allow_messaging`,
        add: comments.decision.text,
      }),
      ['comment'],
    ),
  );

  return answers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
