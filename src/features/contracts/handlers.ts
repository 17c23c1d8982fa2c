// The contracts pages: the client's contracts with their lines and today's usage of each
// allowance, one contract (with the asks for more hours on its hours lines, and the form to ask),
// and one line's periods with the work behind the chosen one, all read through the host's
// ContractsPort for the reader's day. Asking and withdrawing post, then redirect back to the
// contract (PRG); a refused ask shows the contract again with the form as it was sent (422, or
// 409 while the line has an ask pending).
import type { Request, Response } from 'express';
import {
  clientActor,
  dayInZone,
  type FieldErrors,
  mayActOnOwn,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  presentSearch,
  renderPortalPage,
  signedInClient,
} from '../../core/index.ts';
import type { ContractSummary, ContractsPort } from './port.ts';
import {
  ContractId,
  type ContractQueryInput,
  type ContractsQueryInput,
  HourRequestId,
  HOURS_LIMITS,
  type LineQueryInput,
  type MoreHoursInput,
  NOTE_MAX,
} from './commands.ts';
import { timeEntriesCsv, timeEntriesFilename } from './csv.ts';
import { asksHours, type HourRequests } from './hour-requests.ts';
import { lastDayOf, presentContract, presentEntry, presentHourRequest, presentLine, presentPeriod } from './presenters.ts';

/** The ask form of one line as it was sent, refused: its values, what is wrong, and why in a sentence. */
interface AskForm {
  lineId: string;
  values: { hours: string; scope: string; note: string };
  errors: FieldErrors;
  refusal?: string;
}

/** Whether each word of the search is in the contract's name, its number or a line's name, in any case. */
function matches(contract: ContractSummary, search: string | undefined): boolean {
  if (!search) return true;
  const text = [contract.name, contract.reference ?? '', ...contract.lines.map((line) => line.name)].join(' ').toLocaleLowerCase();
  return search
    .toLocaleLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

/** How many periods a line's page lists: a year of monthly ones. */
const PERIODS_SHOWN = 12;

export interface ContractsDeps {
  contracts: ContractsPort;
  requests: HourRequests;
  now: () => Date;
}

export function createContractsHandlers(deps: ContractsDeps) {
  const { contracts, requests, now } = deps;
  /**
   * Whether the agency can answer an ask: the host's contract page for its staff (staffPageOf) is
   * where the asks are listed and answered (CustomerPortal.contractHours). A host without one is
   * not offered asks that no one could answer.
   */
  const answerable = () => typeof contracts.staffPageOf === 'function';

  async function list(req: Request, res: Response) {
    const query = res.locals.query as ContractsQueryInput;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const today = dayInZone(now(), i18n.timeZone);
    // A company's contracts are few and the host gives them whole: the search narrows them here.
    const found = (await contracts.list(workspace.id, user.client_id, today)).filter((contract) => matches(contract, query.q));
    const listUrl = `${base}/contracts`;
    renderPortalPage(req, res, 'contracts/index', i18n.t('contracts:title'), {
      q: query.q ?? '',
      action: listUrl,
      search: presentSearch(query.q, { items: found, next: null }, listUrl),
      contracts: found.map((contract) => presentContract(i18n, base, contract)),
    });
  }

  /** The client's contract with its asks for more hours, or 404. */
  async function contractOf(req: Request, res: Response) {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(ContractId, req.params.contractId);
    const [contract, asks] = await Promise.all([
      contracts.find(workspace.id, user.client_id, id, dayInZone(now(), portalI18n(res).timeZone)),
      requests.forContract({ workspaceId: workspace.id, clientId: user.client_id, contractId: id }),
    ]);
    if (!contract) throw notFound('We could not find that contract.');
    return { contract, asks };
  }

  async function show(req: Request, res: Response, form: AskForm | null = null, status = 200) {
    const { base } = portalContext(res);
    const i18n = portalI18n(res);
    const { t } = i18n;
    const { contract, asks } = await contractOf(req, res);
    // Only a running contract's hours lines take an ask (an ended one has no period to add to), and
    // only where the agency has a contract page to answer it on.
    const askable = new Set(answerable() && contract.state === 'active' ? contract.lines.filter(asksHours).map((l) => l.id) : []);
    if (form && !askable.has(form.lineId)) throw notFound('We could not find that contract line.');
    const view = presentContract(i18n, base, contract);
    const query = (res.locals.query ?? {}) as ContractQueryInput;
    // Withdraw is offered to who asked, and to a client admin.
    const { user, access } = signedInClient(res);
    const mayWithdraw = (askedBy: string | null) => mayActOnOwn({ clientUserId: user.id, access }, askedBy);
    renderPortalPage(
      req,
      res,
      'contracts/show',
      view.name,
      {
        contract: {
          ...view,
          description: contract.description,
          lines: view.lines.map((line, index) => {
            if (!askable.has(line.id)) return { ...line, moreHours: null };
            const source = contract.lines[index]!;
            const mine = asks
              .filter((ask) => ask.line_id === line.id)
              .map((ask) => presentHourRequest(i18n, view.href, ask, mayWithdraw(ask.asked_by)));
            const sent = form?.lineId === line.id ? form : null;
            return {
              ...line,
              moreHours: {
                action: `${view.href}/lines/${encodeURIComponent(line.id)}/hours`,
                pending: mine.find((ask) => ask.pending) ?? null,
                asks: mine,
                thisPeriod:
                  source.allowance?.periodStart && source.allowance.periodEnd
                    ? t('contracts:moreHours.scope.period', {
                        start: i18n.fmt.day(source.allowance.periodStart),
                        end: i18n.fmt.day(lastDayOf(source.allowance.periodEnd)),
                      })
                    : t('contracts:moreHours.scope.this_period'),
                open: sent !== null,
                values: sent?.values ?? { hours: '', scope: 'this_period', note: '' },
                errors: sent?.errors ?? {},
                refusal: sent?.refusal ?? null,
              },
            };
          }),
        },
        limits: { ...HOURS_LIMITS, note: NOTE_MAX },
        notice: query.notice && status === 200 ? t(`contracts:moreHours.notices.${query.notice}`) : null,
      },
      status,
    );
  }

  /** The form as it was sent, for showing it again. */
  function sentValues(req: Request): AskForm['values'] {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    return { hours: text(body.hours), scope: text(body.scope) || 'this_period', note: text(body.note) };
  }

  /** Asks for more hours on a line: found through the host first (another client's, or a line without hours, is a 404). */
  async function askHours(req: Request, res: Response) {
    const { contract } = await contractOf(req, res);
    const lineId = parseParam(ContractId, req.params.lineId);
    const line = answerable() && contract.state === 'active' ? contract.lines.find((l) => l.id === lineId && asksHours(l)) : undefined;
    if (!line) throw notFound('We could not find that contract line.');
    const outcome = await requests.ask(clientActor(req, res), { contractId: contract.id, line }, req.body as MoreHoursInput, {
      contract: contract.name,
    });
    if (!outcome.ok) {
      const refusal = portalI18n(res).t('contracts:moreHours.refused.pending', { line: line.name });
      return show(req, res, { lineId, values: sentValues(req), errors: {}, refusal }, 409);
    }
    res.redirect(
      303,
      `${portalContext(res).base}/contracts/${encodeURIComponent(contract.id)}?notice=asked#line-${encodeURIComponent(lineId)}`,
    );
  }

  /**
   * Withdraws a pending ask of the contract, made by the person (or any, for a client admin): anyone
   * else's is a 404. One no longer pending (answered meanwhile) is said so.
   */
  async function withdrawHours(req: Request, res: Response) {
    const { contract, asks } = await contractOf(req, res);
    const id = parseParam(HourRequestId, req.params.requestId);
    const { user, access } = signedInClient(res);
    const ask = asks.find((row) => row.id === id);
    if (!ask || !mayActOnOwn({ clientUserId: user.id, access }, ask.asked_by)) throw notFound('We could not find that request.');
    const withdrawn = await requests.withdraw(clientActor(req, res), contract.id, id);
    res.redirect(
      303,
      `${portalContext(res).base}/contracts/${encodeURIComponent(contract.id)}?notice=${withdrawn ? 'withdrawn' : 'notPending'}`,
    );
  }

  /** The contract and the history of the line the address names; a 404 where either is not the company's. */
  async function findLine(req: Request, res: Response) {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const contractId = parseParam(ContractId, req.params.contractId);
    const lineId = parseParam(ContractId, req.params.lineId);
    const today = dayInZone(now(), portalI18n(res).timeZone);
    const [contract, history] = await Promise.all([
      contracts.find(workspace.id, user.client_id, contractId, today),
      contracts.history(workspace.id, user.client_id, contractId, lineId, today, PERIODS_SHOWN),
    ]);
    if (!contract || !history) throw notFound('We could not find that contract line.');
    return { contract, history };
  }

  async function line(req: Request, res: Response) {
    const query = res.locals.query as LineQueryInput;
    const { workspace, base, settings } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const { contract, history } = await findLine(req, res);
    const contractHref = `${base}/contracts/${encodeURIComponent(contract.id)}`;
    const lineHref = `${contractHref}/lines/${encodeURIComponent(history.line.id)}`;
    const chosen = query.period ? history.periods.find((period) => period.start === query.period) : history.periods[0];
    if (query.period && !chosen) throw notFound('We could not find that period.');
    // The entries only where the agency shows them; a period the host keeps none for lists none.
    const entries =
      chosen && settings.showTimeEntriesToClients
        ? await contracts.entries(workspace.id, user.client_id, contract.id, history.line.id, { start: chosen.start, end: chosen.end })
        : null;
    const csvHref = `${lineHref}/entries.csv${query.period ? `?period=${query.period}` : ''}`;
    const lineView = presentLine(i18n, contractHref, history.line);
    const measure = history.line.allowance?.measure ?? 'hours';
    renderPortalPage(req, res, 'contracts/line', lineView.name, {
      contract: { name: contract.name, href: contractHref },
      line: lineView,
      periods: history.periods.map((period) =>
        presentPeriod(
          i18n,
          measure,
          history.line.allowance?.unitName ?? null,
          period,
          `${lineHref}?period=${period.start}`,
          period === chosen,
        ),
      ),
      chosen: chosen ? presentPeriod(i18n, measure, history.line.allowance?.unitName ?? null, chosen, lineHref, true) : null,
      showEntries: settings.showTimeEntriesToClients,
      entries: entries ? entries.map((entry) => presentEntry(i18n, measure, entry)) : [],
      csvHref: entries?.length ? csvHref : null,
    });
  }

  /**
   * The entries of the period a line's page shows (the newest, or `?period=`), as a CSV file. One
   * period is what is read, as the page reads it, so the file is bounded by the period and the
   * round trips are the page's whatever the number of entries. Where the agency shows no entries,
   * there is no file (404).
   */
  async function entriesCsv(req: Request, res: Response) {
    const query = res.locals.query as LineQueryInput;
    const { workspace, settings } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    if (!settings.showTimeEntriesToClients) throw notFound('We could not find that contract line.');
    const { contract, history } = await findLine(req, res);
    const chosen = query.period ? history.periods.find((period) => period.start === query.period) : history.periods[0];
    if (!chosen) throw notFound('We could not find that period.');
    const entries = await contracts.entries(workspace.id, user.client_id, contract.id, history.line.id, {
      start: chosen.start,
      end: chosen.end,
    });
    if (!entries) throw notFound('We could not find that contract line.');
    const measure = history.line.allowance?.measure ?? 'hours';
    const csv = timeEntriesCsv(
      {
        day: i18n.t('contracts:csv.day'),
        amount: i18n.t(measure === 'hours' ? 'contracts:csv.hours' : 'contracts:csv.units'),
        description: i18n.t('contracts:csv.description'),
        by: i18n.t('contracts:csv.by'),
      },
      entries,
    );
    const filename = timeEntriesFilename(
      i18n.t('contracts:csv.filename'),
      contract.reference ?? contract.id,
      chosen.start,
      lastDayOf(chosen.end),
    );
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${filename}"`)
      .set('Cache-Control', 'private, no-store')
      .set('X-Content-Type-Options', 'nosniff')
      .send(csv);
  }

  return {
    list,
    show: (req: Request, res: Response) => show(req, res),
    /** The contract again with the line's form as sent and what is wrong with it (422). */
    invalidAsk: (req: Request, res: Response, errors: FieldErrors) =>
      show(req, res, { lineId: parseParam(ContractId, req.params.lineId), values: sentValues(req), errors }, 422),
    askHours,
    withdrawHours,
    line,
    entriesCsv,
  };
}

export type ContractsHandlers = ReturnType<typeof createContractsHandlers>;
