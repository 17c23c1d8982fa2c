// F. Permissions and limitations: workspace control over what clients see, client comments, client
// activity logging.
import type { Answer, Status } from '../report-schema.ts';
import { answer, clientAuthorOf, concept, decisionFor, evidenceOf, type AnswerContext } from './answer-context.ts';

export function permissionAnswers(context: AnswerContext): Answer[] {
  const settings = concept(context, 'portalSettings');
  const comments = concept(context, 'comment');
  const log = concept(context, 'activityLog');
  const clientTables = (['contact', 'company'] as const)
    .map((id) => concept(context, id).chosenTable)
    .filter((t): t is string => Boolean(t));

  // F1: a workspace-level control; per-record switches are cited but do not make it exist.
  const f1Evidence = evidenceOf(settings, 8);
  const perRecord = settings.evidence.filter((e) => e.kind === 'column').map((e) => e.ref);
  const f1 = answer(
    'F1',
    'Does a workspace admin control what clients see?',
    settings.status,
    f1Evidence,
    decisionFor(settings.status, {
      keep: settings.decision.text,
      complete: settings.decision.text,
      add: `${settings.decision.text}${perRecord.length > 0 ? `; the host's per-record switch${perRecord.length === 1 ? '' : 'es'} (${perRecord.join(', ')}) still appl${perRecord.length === 1 ? 'ies' : 'y'} through the adapter` : ''}`,
    }),
    ['portalSettings'],
  );

  // F2: clients may comment when a comment can have a client author.
  const commentProfile = comments.chosenTable ? context.model.byName.get(comments.chosenTable) : undefined;
  const clientAuthor = clientAuthorOf(context, comments);
  const f2Status: Status = comments.status === 'missing' ? 'missing' : clientAuthor ? 'exists' : 'partial';
  const f2Evidence = [...evidenceOf(comments, 3)];
  if (clientAuthor) f2Evidence.push(clientAuthor.evidence);
  else if (commentProfile)
    f2Evidence.push({ kind: 'absence', ref: commentProfile.qualified, detail: 'no client author column: only staff comment' });
  const f2 = answer(
    'F2',
    'May clients comment?',
    f2Status,
    f2Evidence,
    decisionFor(f2Status, {
      keep: `clients already comment in ${comments.chosenTable}; allow_comments lets each workspace switch it off in the portal`,
      complete: `client comments go through the adapter into ${comments.chosenTable} with the client as author where the host allows, behind allow_comments`,
      add: comments.decision.text,
    }),
    ['comment'],
  );

  // F3: a log that records client actions (linked to contacts/companies, or to any record).
  const logProfile = log.chosenTable ? context.model.byName.get(log.chosenTable) : undefined;
  const clientLink = logProfile?.outgoing.find((l) => clientTables.includes(l.to));
  const f3Status: Status = log.status === 'missing' ? 'missing' : clientLink ? 'exists' : 'partial';
  const f3Evidence = [...evidenceOf(log, 4)];
  if (clientLink)
    f3Evidence.push({
      kind: 'column',
      ref: `${clientLink.from}.${clientLink.columns.join(', ')}`,
      detail: `events name the client (${clientLink.to})`,
    });
  else if (logProfile)
    f3Evidence.push({
      kind: 'absence',
      ref: logProfile.qualified,
      detail: 'events are not tied to clients or contacts: staff activity only',
    });
  const f3 = answer(
    'F3',
    'Is client activity logged?',
    f3Status,
    f3Evidence,
    decisionFor(f3Status, {
      keep: `keep ${log.chosenTable}; the portal also writes its client events to client_activity_logs for the admin view`,
      complete: `${log.chosenTable} logs staff activity; client actions and sign-ins go to client_activity_logs`,
      add: log.decision.text,
    }),
    ['activityLog'],
  );

  return [f1, f2, f3];
}
