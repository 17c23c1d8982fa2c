// Contracts, the agency's side: a client's contracts (drafts too), and one contract with its lines,
// what each allowance line has used this period and the time entries behind it, where staff record
// work against a line (post/redirect/get). When an entry brings a line's use this period to 80 % of
// its allowance, or to all of it, the plugins are told once per line, period and threshold (the
// client portal tells the client's people the allowance is nearly or all used). The asks for more
// hours plugins keep (the client portal's) are listed on the contract's page, and staff answer a
// pending one there in words (post/redirect/get); an answer never changes the line's allowance:
// staff change it on the same page, for the period under way and those after it.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { findClient } from '../../queries/clients.ts';
import {
  changeLineAllowance,
  findStaffContract,
  insertTimeEntry,
  listContractLines,
  listTimeEntries,
  periodsOf,
  staffClientContracts,
  usedThisPeriod,
  type ContractLineRow,
} from '../../queries/contracts.ts';
import { inTransaction } from '../../queries/db.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { dateField, type FieldError, freeText, idField, parseForm } from '../forms.ts';
import { statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { pluginAnswerHourRequest, pluginHourRequests } from '../plugin-ticket-files.ts';
import { tellPlugins } from '../record-changes.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

/**
 * A period's last day, as people read an end date: the query keeps the day after it (the month
 * from 1 Nov runs to 1 Dec, exclusive), and the client's portal shows 30 Nov for it too.
 */
function lastDayOf(end: string): string {
  return new Date(Date.parse(`${end}T00:00:00Z`) - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The shares of an allowance the client is told of, highest first: nearly used, all used. */
const THRESHOLDS = [100, 80] as const;

const BADGE = { draft: 'draft', active: 'accepted', ended: 'expired' } as const;

/**
 * Hours or units as staff type them: "12", "7.5" or "7,5". Staff who write German or French type
 * "1,5": a comma before at most two decimals can only be the decimal separator (a thousands
 * separator has three digits after it), so both are taken.
 */
const figureField = (message: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().replace(/^(\d{1,4}),(\d{1,2})$/, '$1.$2') : ''),
    z
      .string()
      .regex(/^\d{1,4}(\.\d{1,2})?$/, { error: message })
      .refine((value) => Number(value) > 0, { error: 'Enter more than 0 hours or units.' }),
  );

const entrySchema = z.object({
  lineId: idField('Choose the line the work counts against.'),
  day: dateField('Day'),
  amount: figureField('Enter the hours or units as a number, for example 1.5 or 1,5.'),
  description: freeText('What was done', 2000),
});

const allowanceSchema = z.object({
  allowanceLineId: idField('Choose the line whose allowance changes.'),
  allowance: figureField('Enter the allowance as a number, for example 12 or 12,5.'),
});

const answerSchema = z.object({
  answer: z.enum(['agreed', 'declined'], { error: 'Choose whether you agree or decline.' }),
  note: freeText('Message to the client', 2000).pipe(z.string().min(1, { error: 'Write a message to the client.' })),
});

/** An ask's id from a plugin: whatever it uses, within reason; the plugin decides whether it is the contract's. */
const requestIdOf = (value: unknown): string | null => (typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value : null);

const ASK_STATES = {
  pending: 'Waiting for an answer',
  agreed: 'Agreed',
  declined: 'Declined',
  withdrawn: 'Withdrawn by the client',
} as const;
const ASK_BADGES = { pending: 'sent', agreed: 'accepted', declined: 'declined', withdrawn: 'expired' } as const;

/** Today in the CRM's calendar: allowances renew by UTC days. */
const today = () => new Date().toISOString().slice(0, 10);

/** A number of hours or units as staff read it: "7.5", "10". */
const figure = (value: string | number) => String(Number(value));

function allowanceText(line: ContractLineRow): string | null {
  if (line.allowance === null) return null;
  const unit = line.measure === 'hours' ? 'hours' : (line.unit_name ?? 'units');
  return `${figure(line.allowance)} ${unit} a ${line.period}`;
}

/** The highest threshold the use has reached, in percent of the allowance; null below them all. */
function thresholdReached(used: string, allowance: string): number | null {
  // In hundredths, so that 8 of 10 is 80 % exactly.
  const usedHundredths = Math.round(Number(used) * 100);
  const allowanceHundredths = Math.round(Number(allowance) * 100);
  return THRESHOLDS.find((percent) => usedHundredths * 100 >= allowanceHundredths * percent) ?? null;
}

export function contractRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  async function showContract(
    res: Response,
    contractId: number,
    values: unknown,
    errors: FieldError[],
    status = 200,
    answerForm: { requestId: string; values: unknown; errors: FieldError[] } | null = null,
    allowanceForm: { values: unknown; errors: FieldError[] } | null = null,
  ) {
    const { workspaceId } = staffOf(res);
    const contract = found((await findStaffContract(db, { workspaceId, contractId })) ?? null);
    const lines = await listContractLines(db, { workspaceId, contractIds: [contract.id] });
    const day = today();
    const lineIds = lines.map((line) => line.id);
    const [used, periods] = await Promise.all([
      usedThisPeriod(db, { workspaceId, lineIds, today: day }),
      periodsOf(db, { workspaceId, lineIds, today: day }),
    ]);
    const usedOf = new Map(used.map((row) => [row.line_id, row.used]));
    const periodOf = new Map(periods.map((row) => [row.line_id, row]));
    const [entries, asks] = await Promise.all([
      Promise.all(
        lines.map((line) => {
          const period = periodOf.get(line.id)!;
          return listTimeEntries(db, { workspaceId, lineId: line.id, start: period.start, end: period.end });
        }),
      ),
      pluginHourRequests(plugins, res, contract),
    ]);
    const lineNames = new Map(lines.map((line) => [String(line.id), line.name]));
    await render(
      res,
      'contracts/show',
      {
        title: `Contract ${contract.number}`,
        section: 'clients',
        contract: {
          number: contract.number,
          name: contract.name,
          description: contract.description,
          badge: BADGE[contract.status],
          statusLabel: statusLabel(contract.status),
          term: `${contract.starts_on} – ${contract.ends_on ?? 'open-ended'}`,
          clientName: contract.client_name,
          clientHref: `/clients/${contract.client_id}`,
          contractsHref: `/clients/${contract.client_id}/contracts`,
        },
        lines: lines.map((line, index) => {
          const period = periodOf.get(line.id)!;
          const allowance = allowanceText(line);
          return {
            id: line.id,
            name: line.name,
            quantity: line.quantity === null ? '—' : figure(line.quantity),
            allowance: allowance ?? '—',
            used: line.allowance === null ? '—' : `${figure(usedOf.get(line.id) ?? 0)} of ${figure(line.allowance)}`,
            period: `${period.start} – ${lastDayOf(period.end)}`,
            entries: entries[index]!.map((entry) => ({
              day: entry.work_date,
              amount: figure(entry.amount),
              description: entry.description || '—',
              by: entry.staff_name ?? '—',
            })),
          };
        }),
        // A refusal of the answer that names no field (the ask is no longer waiting) stands above the asks.
        answerRefusal: answerForm?.errors.find((error) => !error.field)?.message ?? null,
        hourRequests: asks.map((ask) => {
          const outcome = ask.state === 'answered' ? (ask.answer ?? 'declined') : ask.state;
          const sent = answerForm?.requestId === ask.id ? answerForm : null;
          return {
            id: ask.id,
            line: lineNames.get(ask.lineId) ?? ask.lineId,
            hours: `${figure(ask.hours)} hours`,
            scope:
              ask.scope === 'this_period' && ask.periodStart && ask.periodEnd
                ? `this period, ${ask.periodStart} – ${lastDayOf(ask.periodEnd)}`
                : 'from now on, every period',
            askedBy: ask.askedBy ?? 'a former contact',
            askedAt: ask.askedAt.toISOString().slice(0, 16).replace('T', ' '),
            note: ask.note,
            badge: ASK_BADGES[outcome],
            stateLabel: ASK_STATES[outcome],
            answerNote: ask.answerNote,
            pending: ask.state === 'pending',
            action: `/contracts/${contract.id}/hour-requests/${encodeURIComponent(ask.id)}/answer`,
            form: formView(sent?.values ?? {}, sent?.errors ?? []),
          };
        }),
        lineOptions: lines.map((line) => ({ value: String(line.id), label: line.name })),
        allowanceOptions: lines
          .filter((line) => line.allowance !== null)
          .map((line) => ({ value: String(line.id), label: `${line.name} (now ${allowanceText(line)})` })),
        allowanceForm: formView(
          allowanceForm?.values && typeof allowanceForm.values === 'object' ? allowanceForm.values : {},
          allowanceForm?.errors ?? [],
        ),
        allowancePath: `/contracts/${contract.id}/allowance`,
        form: formView({ day, ...(values && typeof values === 'object' ? values : {}) }, errors),
        entryPath: `/contracts/${contract.id}/time-entries`,
      },
      status,
    );
  }

  // Staff answer a client's ask for more hours, agreed or declined, with words the client reads.
  router.post('/contracts/:id/hour-requests/:requestId/answer', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const contractId = routeId(req.params.id);
    const contract = found((await findStaffContract(db, { workspaceId: staff.workspaceId, contractId })) ?? null);
    const requestId = found(requestIdOf(req.params.requestId));
    const parsed = parseForm(answerSchema, req.body);
    // Each ask has its own form on the page: its fields, and so the errors' links, carry its id.
    const prefix = `ask-${requestId}-`;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { [`${prefix}answer`]: body.answer, [`${prefix}note`]: body.note };
    if (!parsed.ok)
      return showContract(res, contractId, {}, [], 400, {
        requestId,
        values,
        errors: parsed.errors.map((error) => ({ ...error, field: error.field ? `${prefix}${error.field}` : '' })),
      });
    const outcome = await pluginAnswerHourRequest(plugins, res, contract, requestId, parsed.data);
    if (outcome === 'gone')
      return showContract(res, contractId, {}, [], 409, {
        requestId,
        values,
        errors: [{ field: '', message: 'That request was withdrawn or answered meanwhile: nothing was sent.' }],
      });
    res.redirect(303, `/contracts/${contractId}#hour-requests-title`);
  });

  // Staff change a line's allowance (after agreeing to a client's ask, say): the client's portal
  // reads the contract again, and the hours left on its dashboard with it.
  router.post('/contracts/:id/allowance', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const contractId = routeId(req.params.id);
    const contract = found((await findStaffContract(db, { workspaceId: staff.workspaceId, contractId })) ?? null);
    const parsed = parseForm(allowanceSchema, req.body);
    if (!parsed.ok) return showContract(res, contractId, {}, [], 400, null, { values: req.body, errors: parsed.errors });
    const changed = await changeLineAllowance(db, {
      workspaceId: staff.workspaceId,
      contractId,
      lineId: parsed.data.allowanceLineId,
      allowance: parsed.data.allowance,
    });
    if (!changed)
      return showContract(res, contractId, {}, [], 400, null, {
        values: req.body,
        errors: [{ field: 'allowanceLineId', message: 'Choose the line whose allowance changes.' }],
      });
    if (contract.status === 'active')
      await tellPlugins(plugins, { workspaceId: staff.workspaceId, clientId: contract.client_id, kind: 'contract', id: contract.id });
    res.redirect(303, `/contracts/${contractId}#allowance-title`);
  });

  router.get('/clients/:id/contracts', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const client = found(await findClient(db, { workspaceId, clientId: routeId(req.params.id) }));
    const rows = await staffClientContracts(db, { workspaceId, clientId: client.id });
    await render(res, 'contracts/index', {
      title: `Contracts of ${client.name}`,
      section: 'clients',
      client: { name: client.name, href: `/clients/${client.id}` },
      contracts: rows.map((row) => ({
        href: `/contracts/${row.id}`,
        number: row.number,
        name: row.name,
        badge: BADGE[row.status],
        statusLabel: statusLabel(row.status),
        term: `${row.starts_on} – ${row.ends_on ?? 'open-ended'}`,
      })),
    });
  });

  router.get('/contracts/:id', requireStaff, async (req, res) => showContract(res, routeId(req.params.id), {}, []));

  router.post('/contracts/:id/time-entries', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const contractId = routeId(req.params.id);
    const contract = found((await findStaffContract(db, { workspaceId: staff.workspaceId, contractId })) ?? null);
    const parsed = parseForm(entrySchema, req.body);
    if (!parsed.ok) return showContract(res, contractId, req.body, parsed.errors, 400);
    const { lineId, day, amount, description } = parsed.data;
    const day0 = today();
    const written = await inTransaction(db, (trx) =>
      insertTimeEntry(trx, {
        workspaceId: staff.workspaceId,
        contractId,
        lineId,
        staffUserId: staff.id,
        day,
        amount,
        description,
        today: day0,
      }),
    );
    if (!written)
      return showContract(res, contractId, req.body, [{ field: 'lineId', message: 'Choose the line the work counts against.' }], 400);
    // Only work in the period under way of a running contract moves what the client is told of
    // (this period's allowance; a draft is the agency's and never shown to the client).
    const inThisPeriod = contract.status === 'active' && day >= written.period.start && day < written.period.end;
    const threshold = written.allowance !== null && inThisPeriod ? thresholdReached(written.used, written.allowance) : null;
    if (threshold !== null)
      await tellPlugins(plugins, {
        workspaceId: staff.workspaceId,
        clientId: contract.client_id,
        kind: 'contract',
        id: contract.id,
        happened: 'reached',
        title: written.name,
        number: String(threshold),
        occurrence: `line:${lineId}:${written.period.start}:${threshold}`,
      });
    // Nothing to tell, but the hours left changed: the portal's dashboard reads them again.
    else if (contract.status === 'active')
      await tellPlugins(plugins, { workspaceId: staff.workspaceId, clientId: contract.client_id, kind: 'contract', id: contract.id });
    res.redirect(303, `/contracts/${contractId}`);
  });

  return router;
}
