// Answers built from different evidence can disagree: a public proposal page that answers while the
// host holds no proposals, or clients who open proposals by link while "cannot view proposals"
// stands without a word on why. Each disagreement is settled here, before the report is written,
// so that every answer can be read next to every other.
import type { Answer, Evidence } from '../report-schema.ts';
import { concept, type AnswerContext } from './answer-context.ts';

const PUBLIC_TO_VIEW: ReadonlyArray<{ page: string; view: string; frontend?: string }> = [
  { page: 'C1', view: 'B1', frontend: 'E3' },
  { page: 'C2', view: 'B2' },
  { page: 'C3', view: 'B3', frontend: 'E4' },
];

export function reconcileAnswers(context: AnswerContext, answers: Answer[]): Answer[] {
  const byId = new Map(answers.map((a) => [a.id, a]));
  for (const { page, view, frontend } of PUBLIC_TO_VIEW) {
    const publicPage = byId.get(page);
    const viewAnswer = byId.get(view);
    if (!publicPage || !viewAnswer || publicPage.status !== 'exists') continue;
    const records = concept(context, publicPage.concepts[0] ?? 'proposal');
    if (records.status === 'missing') {
      // A page that answers for a kind of record the host does not keep is not that record's page.
      const note: Evidence = {
        kind: 'absence',
        ref: records.label,
        detail: `the host answers at this path but keeps no ${records.label.toLowerCase()}: what it serves there is not shown to be their page`,
      };
      for (const id of [page, frontend]) {
        const a = id ? byId.get(id) : undefined;
        if (a?.status === 'exists') byId.set(a.id, { ...a, status: 'partial', evidence: [...a.evidence, note] });
      }
    } else if (viewAnswer.status !== 'exists') {
      byId.set(view, {
        ...viewAnswer,
        evidence: [
          ...viewAnswer.evidence,
          {
            kind: 'absence',
            ref: `client view of ${records.label.toLowerCase()}`,
            detail: `clients open single records by link (${page}), but nothing shows a signed-in client listing them`,
          },
        ],
      });
    }
  }
  return answers.map((a) => byId.get(a.id) ?? a);
}
