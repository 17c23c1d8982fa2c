// Every question of the Customer Portal Audit Report, in the report's order, with disagreements
// between them settled (reconcile.ts).
import type { Answer } from '../report-schema.ts';
import { accessAnswers } from './access.ts';
import { agreementAnswers } from './agreements.ts';
import type { AnswerContext } from './answer-context.ts';
import { backendAnswers } from './backend.ts';
import { clientViewAnswers } from './client-views.ts';
import { frontendAnswers } from './frontend-pages.ts';
import { permissionAnswers } from './permissions.ts';
import { publicPageAnswers } from './public-pages.ts';
import { reconcileAnswers } from './reconcile.ts';
import { sectionAnswers } from './sections.ts';
import { ticketAndProjectAnswers } from './tickets-projects.ts';

export function answerQuestions(context: AnswerContext): Answer[] {
  const answers = [
    ...accessAnswers(context),
    ...clientViewAnswers(context),
    ...ticketAndProjectAnswers(context),
    ...sectionAnswers(context),
    ...agreementAnswers(context),
    ...publicPageAnswers(context),
    ...backendAnswers(context),
    ...frontendAnswers(context),
    ...permissionAnswers(context),
  ];
  return reconcileAnswers(context, answers);
}
