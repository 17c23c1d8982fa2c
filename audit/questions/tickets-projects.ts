// B9 and B10: support tickets and projects. What the host keeps, whether its clients can already
// reach it, and the questions a developer must answer before switching the portal's Tickets or
// Projects section on: what the schema cannot say (which status codes mean what, which messages are
// internal notes, which projects a client may see) is asked, never guessed.
import type { TableProfile } from '../recognition/schema-model.ts';
import type { Answer, ConceptFinding, Evidence, Status } from '../report-schema.ts';
import { answer, concept, decisionFor, evidenceOf, type AnswerContext } from './answer-context.ts';

function profileOf(context: AnswerContext, finding: ConceptFinding): TableProfile | undefined {
  return finding.chosenTable ? context.model.byName.get(finding.chosenTable) : undefined;
}

function clientTables(context: AnswerContext): string[] {
  return (['company', 'contact'] as const).map((id) => concept(context, id).chosenTable).filter((t): t is string => Boolean(t));
}

/** The question a status column raises: its values are codes or keys whose meaning the schema does not hold. */
function statusQuestion(profile: TableProfile, states: string): string | null {
  const status = profile.roles.get('status') ?? [];
  const named = status.find((c) => c.enumLabels.length > 0 || profile.table.checks.some((k) => k.columns.includes(c.name)));
  if (named) return null;
  const column = status[0] ?? (profile.roles.get('done') ?? [])[0];
  if (!column) return `where ${profile.qualified} keeps whether it is ${states} (no status column was found)`;
  return `which values of ${profile.qualified}.${column.name} mean ${states} (${column.category === 'N' ? 'integer codes' : 'keys or free text'} the schema does not name)`;
}

function numbered(questions: Array<string | null>): string {
  return questions
    .filter((q): q is string => Boolean(q))
    .map((q, i) => `(${i + 1}) ${q}`)
    .join('; ');
}

function ticketAnswer(context: AnswerContext): Answer {
  const ticket = concept(context, 'ticket');
  const messages = concept(context, 'ticketMessage');
  const profile = profileOf(context, ticket);
  const login = concept(context, 'clientCredentials').status === 'exists';
  const toClient = profile?.outgoing.find((l) => clientTables(context).includes(l.to));
  const evidence: Evidence[] = [...evidenceOf(ticket, 3), ...evidenceOf(messages, 3)];
  if (profile && !toClient)
    evidence.push({ kind: 'absence', ref: profile.qualified, detail: 'no key of its own ties a ticket to a client company or contact' });

  let status: Status = 'missing';
  if (ticket.status === 'exists') status = messages.status === 'exists' && toClient && login ? 'exists' : 'partial';
  else if (ticket.status !== 'missing') status = 'partial';

  const filter = messages.rowFilter
    ? Object.entries(messages.rowFilter)
        .map(([c, v]) => `${c} = ${JSON.stringify(v)}`)
        .join(' and ')
    : null;
  const questions = profile
    ? numbered([
        statusQuestion(profile, 'open, waiting on the client and closed'),
        toClient ? null : `how a ticket of ${profile.qualified} is tied to the client's company`,
        messages.status === 'exists' && messages.chosenTable
          ? filter
            ? `whether the rows of ${messages.chosenTable} where ${filter} are every reply a client may read, and no internal note`
            : `which messages of ${messages.chosenTable} are internal notes a client must never see`
          : `which table holds a ticket's replies${messages.chosenTable ? ` (${messages.chosenTable}?)` : ''}, and what marks its internal notes`,
        "whether the host already e-mails the client when the agency answers (the portal's notice would be a second one)",
      ])
    : '';
  const plugin = "attachments the client adds and the rating of a closed ticket are kept in the portal's own tables, never in the host";
  return answer(
    'B9',
    'Can clients open and follow support tickets?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's tickets (${ticket.chosenTable}) and their conversation (${messages.chosenTable}): the portal reads and writes them through the adapter (TicketsPort); ${plugin}; before switching the Tickets section on, answer: ${questions}`,
      complete: `the portal's Tickets section reads ${ticket.chosenTable} through the adapter (TicketsPort); ${plugin}; before switching it on, answer: ${questions}`,
      add: ticket.decision.text,
    }),
    ['ticket', 'ticketMessage', 'clientCredentials'],
  );
}

function projectAnswer(context: AnswerContext): Answer {
  const project = concept(context, 'project');
  const phases = concept(context, 'projectPhase');
  const tasks = concept(context, 'task');
  const profile = profileOf(context, project);
  const taskProfile = profileOf(context, tasks);
  const toClient = profile?.outgoing.find((l) => clientTables(context).includes(l.to));
  const tasksHere =
    taskProfile && profile ? taskProfile.outgoing.find((l) => l.to === profile.qualified || l.to === phases.chosenTable) : undefined;
  const evidence: Evidence[] = [...evidenceOf(project, 3), ...evidenceOf(phases, 2)];
  if (tasksHere && taskProfile)
    evidence.push({
      kind: 'column',
      ref: `${taskProfile.qualified}.${tasksHere.columns.join(', ')}`,
      detail: `the tasks (${taskProfile.qualified}) belong to ${tasksHere.to}`,
    });
  const shown = profile ? [...(profile.roles.get('portalFlag') ?? []), ...(profile.roles.get('visibility') ?? [])] : [];
  for (const column of shown)
    evidence.push({ kind: 'column', ref: `${profile?.qualified}.${column.name}`, detail: `may say who sees the project (${column.type})` });

  let status: Status = 'missing';
  if (project.status === 'exists') status = toClient && shown.length > 0 ? 'exists' : 'partial';
  else if (project.status !== 'missing') status = 'partial';

  const progress = taskProfile?.roles.get('done')?.[0];
  const questions = profile
    ? numbered([
        statusQuestion(profile, 'active, completed and on hold'),
        toClient ? null : `how a project of ${profile.qualified} is tied to the client's company`,
        shown.length > 0
          ? `whether ${shown.map((c) => `${profile.qualified}.${c.name}`).join(', ')} shows a project to its client, or only to the agency's staff`
          : `which projects a client may see (nothing in ${profile.qualified} says)`,
        phases.status === 'exists'
          ? `whether the client sees the phases of ${phases.chosenTable} as they are, or only some`
          : `the host keeps no phases: whether the client sees a project's tasks in one list`,
        taskProfile
          ? progress
            ? `whether ${taskProfile.qualified}.${progress.name} is the progress a client may see, and which tasks of a project are the client's to see`
            : `which tasks of a project are the client's to see, and how their progress is measured`
          : null,
      ])
    : '';
  return answer(
    'B10',
    'Can clients follow their projects (phases, tasks, progress)?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's projects (${project.chosenTable}); the portal's Projects section reads them, their phases and tasks through the adapter; before switching it on, answer: ${questions}`,
      complete: `the portal's Projects section reads ${project.chosenTable}${phases.chosenTable ? `, ${phases.chosenTable}` : ''} and the tasks through the adapter and adds nothing to them; before switching it on, answer: ${questions}`,
      add: project.decision.text,
    }),
    ['project', 'projectPhase', 'task'],
  );
}

export function ticketAndProjectAnswers(context: AnswerContext): Answer[] {
  return [ticketAnswer(context), projectAnswer(context)];
}
