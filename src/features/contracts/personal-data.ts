// Contracts' part of a person's data: the asks for more hours they made (how many, for which
// period, their note, and the agency's answer). Contracts and time are the host's. An erasure keeps
// each ask as the company's (what was asked and answered on its contract) without who asked and
// without their note.
import type { Knex } from 'knex';
import { iso, type PersonalDataHook } from '../../core/index.ts';
import { anonymisePersonHourRequests, countPersonHourRequests, personHourRequests } from './queries.ts';

export function contractsPersonalData(deps: { db: Knex }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['portal_contract_hour_requests'],

    async export({ workspaceId, user }) {
      const asks = (await personHourRequests(db, workspaceId, user.id)).map((row) => ({
        contractId: row.contract_id,
        lineId: row.line_id,
        hours: Number(row.hours),
        scope: row.scope,
        period: row.period_start && row.period_end ? { start: row.period_start, end: row.period_end } : null,
        note: row.note,
        askedAt: iso(row.asked_at),
        state: row.state,
        answer: row.answer,
        answerNote: row.answer_note,
        answeredAt: row.answered_at ? iso(row.answered_at) : null,
      }));
      return { entries: [{ path: 'contract-hour-requests.json', json: { asks } }] };
    },

    async erase(trx, person) {
      return { counts: { contractHourRequests: await anonymisePersonHourRequests(trx, person.workspaceId, person.id) } };
    },

    counts: (db, person) => ({ contractHourRequests: countPersonHourRequests(db, person.workspaceId, person.id) }),
  };
}
