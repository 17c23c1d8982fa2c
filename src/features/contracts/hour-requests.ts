// Asks for more hours: a client asks the agency for more hours on a contract line whose allowance
// counts hours, for the period under way or from now on. The host has no such thing, so the portal
// keeps the ask (queries.ts); the allowance stays the host's, and the agency changes it in its CRM.
// Asking and withdrawing are logged in the ask's transaction (`contract.hours_requested`, which is
// also the agency's notification, linking to the contract's page in the CRM). The agency answers
// from that page (agreed or declined, with words): the answer, its activity entry and the email to
// who asked are one transaction (the email through the outbox); the client's people who may see
// contracts are told in the portal once it committed.
import type { Knex } from 'knex';
import {
  type ClientActor,
  dayInZone,
  findClientUserById,
  findSettings,
  formattersFor,
  type HostWorkspace,
  insertActivity,
  insertClientActivity,
  isLocale,
  type Mailer,
  type MailMessage,
  mayUsePortal,
  type PortalLinks,
  type PortalLogger,
  translator,
} from '../../core/index.ts';
import type { ContractLineSummary, ContractsPort } from './port.ts';
import { emailLocale } from '../account/index.ts';
import type { ClientEvent } from '../client-notifications/index.ts';
import { HourRequestId, type MoreHoursInput } from './commands.ts';
import { hoursAnsweredEmail } from './emails.ts';
import {
  answerHourRequest,
  type HourRequestAnswer,
  type HourRequestRow,
  insertHourRequest,
  listContractHourRequests,
  withdrawHourRequest,
} from './queries.ts';

export interface HourRequestsDeps {
  db: Knex;
  contracts: ContractsPort;
  mailer: Mailer;
  links: PortalLinks;
  now: () => Date;
  logger: PortalLogger;
  /** Tells the client's people in the portal (client notifications), after the answer committed. */
  notify(event: ClientEvent): Promise<number>;
}

/** A line the client may ask more hours on: one whose allowance counts hours. */
export const asksHours = (line: ContractLineSummary): boolean => line.allowance?.measure === 'hours';

/** An ask as the agency's contract page lists it, with the sign-in email of who asked (null once erased). */
export interface StaffHourRequest {
  id: string;
  lineId: string;
  hours: number;
  scope: 'this_period' | 'from_now_on';
  /** YYYY-MM-DD, the period asked for (the end the day after it); null from now on. */
  periodStart: string | null;
  periodEnd: string | null;
  note: string | null;
  askedBy: string | null;
  askedAt: Date;
  state: 'pending' | 'answered' | 'withdrawn';
  answer: 'agreed' | 'declined' | null;
  answerNote: string | null;
  answeredAt: Date | null;
}

/** What asking resolved with: the ask, or why there is none. */
export type AskOutcome = { ok: true; request: HourRequestRow } | { ok: false; reason: 'pending' };

export function createHourRequests(deps: HourRequestsDeps) {
  const { db, contracts } = deps;

  /**
   * The email to who asked, in their language; null when they no longer use the portal. Read in the
   * answer's transaction (`trx`): a second connection taken inside it could wait for ever on a pool of
   * one (the embedded engine's).
   */
  async function answerEmail(
    trx: Knex.Transaction,
    workspace: HostWorkspace,
    base: string,
    row: HourRequestRow,
    names: { contract: string; line: string },
  ): Promise<MailMessage | null> {
    if (!row.asked_by) return null;
    const asker = await findClientUserById(trx, workspace.id, row.asked_by);
    if (!asker || !mayUsePortal(asker.status)) return null;
    const settings = await findSettings(trx, workspace.id);
    const locale = emailLocale(asker.locale, isLocale(settings.defaultLocale) ? settings.defaultLocale : null);
    return hoursAnsweredEmail(translator(locale), formattersFor(locale, 'UTC'), {
      to: asker.email,
      workspace,
      contract: names.contract,
      line: names.line,
      row,
      url: `${base}/contracts/${encodeURIComponent(row.contract_id)}`,
    });
  }

  return {
    /** A contract's asks, pending first, for its client page. */
    forContract: (scope: { workspaceId: string; clientId: string; contractId: string }) => listContractHourRequests(db, scope),

    /**
     * Records the ask on the client's line (found by the caller through the host, with its period
     * under way) with its activity entry, in one transaction. A line with an ask pending already is
     * refused, however many arrive at once: the partial unique index decides.
     */
    async ask(
      actor: ClientActor,
      target: { contractId: string; line: ContractLineSummary },
      input: MoreHoursInput,
      names: { contract: string },
    ): Promise<AskOutcome> {
      const allowance = target.line.allowance;
      const period =
        input.scope === 'this_period' && allowance?.periodStart && allowance.periodEnd
          ? { start: allowance.periodStart, end: allowance.periodEnd }
          : null;
      const request = await db.transaction(async (trx) => {
        const row = await insertHourRequest(trx, {
          workspaceId: actor.workspace.id,
          clientId: actor.user.client_id,
          contractId: target.contractId,
          lineId: target.line.id,
          hours: input.hours,
          scope: input.scope,
          period,
          note: input.note,
          askedBy: actor.user.id,
          at: deps.now(),
        });
        if (!row) return null;
        await insertClientActivity(trx, actor, 'contract.hours_requested', {
          requestId: row.id,
          contractId: target.contractId,
          lineId: target.line.id,
          title: `${names.contract} · ${target.line.name}`,
          hours: Number(row.hours),
          scope: row.scope,
        });
        return row;
      });
      return request ? { ok: true, request } : { ok: false, reason: 'pending' };
    },

    /** Withdraws a pending ask of the client's contract; false when it was not pending (answered, withdrawn, another's). */
    async withdraw(actor: ClientActor, contractId: string, id: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        const row = await withdrawHourRequest(
          trx,
          { workspaceId: actor.workspace.id, clientId: actor.user.client_id, contractId, id },
          deps.now(),
        );
        if (!row) return false;
        await insertClientActivity(trx, actor, 'contract.hours_withdrawn', {
          requestId: row.id,
          contractId,
          lineId: row.line_id,
          hours: Number(row.hours),
        });
        return true;
      });
    },

    /**
     * The agency's side, for the host's staff page of a contract (found by the host in the staff
     * member's workspace): its asks with the names of who asked.
     */
    async ofContract(workspace: HostWorkspace, contract: { id: string; clientId: string }): Promise<StaffHourRequest[]> {
      const rows = await listContractHourRequests(db, { workspaceId: workspace.id, clientId: contract.clientId, contractId: contract.id });
      const askers = await Promise.all(
        [...new Set(rows.flatMap((row) => (row.asked_by ? [row.asked_by] : [])))].map((id) => findClientUserById(db, workspace.id, id)),
      );
      const emails = new Map(askers.flatMap((user) => (user ? [[user.id, user.email] as const] : [])));
      return rows.map((row) => ({
        id: row.id,
        lineId: row.line_id,
        hours: Number(row.hours),
        scope: row.scope,
        periodStart: row.period_start,
        periodEnd: row.period_end,
        note: row.note,
        askedBy: row.asked_by ? (emails.get(row.asked_by) ?? null) : null,
        askedAt: row.asked_at,
        state: row.state,
        answer: row.answer,
        answerNote: row.answer_note,
        answeredAt: row.answered_at,
      }));
    },

    /**
     * The agency's answer to a pending ask: 'answered', or 'gone' when it is not pending (answered
     * or withdrawn meanwhile, or not this contract's).
     */
    async answer(
      workspace: HostWorkspace,
      staff: { id: string },
      contract: { id: string; clientId: string },
      id: string,
      answer: { answer: HourRequestAnswer; note: string },
    ): Promise<'answered' | 'gone'> {
      if (!HourRequestId.safeParse(id).success) return 'gone';
      const found = await contracts.find(workspace.id, contract.clientId, contract.id, dayInZone(deps.now(), 'UTC'));
      const scope = { workspaceId: workspace.id, clientId: contract.clientId, contractId: contract.id, id };
      const base = await deps.links.baseOf(workspace);
      const told = await db.transaction(async (trx) => {
        const row = await answerHourRequest(trx, scope, { ...answer, staffId: staff.id, at: deps.now() });
        if (!row) return null;
        const line = found?.lines.find((l) => l.id === row.line_id);
        const names = { contract: found?.name ?? contract.id, line: line?.name ?? row.line_id };
        await insertActivity(trx, {
          workspaceId: workspace.id,
          event: 'contract.hours_answered',
          clientUserId: row.asked_by,
          clientId: row.client_id,
          details: {
            requestId: row.id,
            contractId: row.contract_id,
            lineId: row.line_id,
            title: `${names.contract} · ${names.line}`,
            hours: Number(row.hours),
            answer: answer.answer,
            staffId: staff.id,
          },
        });
        const email = await answerEmail(trx, workspace, base, row, names);
        if (email) await deps.mailer.send(email, { trx });
        return { row, names };
      });
      if (!told) return 'gone';
      // The answer is given and emailed: a notification that fails is logged, and staff's page goes on.
      await deps
        .notify({
          workspaceId: workspace.id,
          clientId: contract.clientId,
          kind: 'hours_answered',
          subjectType: 'contract',
          subjectId: contract.id,
          occurrence: `hours:${told.row.id}`,
          title: `${told.names.contract} · ${told.names.line}`,
        })
        .catch((err: unknown) => deps.logger.error('could not notify the client of an answer to an ask for more hours', err));
      return 'answered';
    },
  };
}

export type HourRequests = ReturnType<typeof createHourRequests>;
