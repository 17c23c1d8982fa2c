// The contracts pages: the client's contracts with their lines and today's usage of each
// allowance, one contract, and one line's periods with the work behind the chosen one, all read
// through the host's ContractsPort for the reader's day.
import type { Request, Response } from 'express';
import {
  type ContractSummary,
  type ContractsPort,
  dayInZone,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  presentSearch,
  renderPortalPage,
  signedInClient,
} from '../../core/index.ts';
import { ContractId, type ContractsQueryInput, type LineQueryInput } from './commands.ts';
import { timeEntriesCsv, timeEntriesFilename } from './csv.ts';
import { lastDayOf, presentContract, presentEntry, presentLine, presentPeriod } from './presenters.ts';

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
  now: () => Date;
}

export function createContractsHandlers(deps: ContractsDeps) {
  const { contracts, now } = deps;

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

  async function show(req: Request, res: Response) {
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const id = parseParam(ContractId, req.params.contractId);
    const contract = await contracts.find(workspace.id, user.client_id, id, dayInZone(now(), i18n.timeZone));
    if (!contract) throw notFound('We could not find that contract.');
    const view = presentContract(i18n, base, contract);
    renderPortalPage(req, res, 'contracts/show', view.name, {
      contract: { ...view, description: contract.description },
    });
  }

  async function line(req: Request, res: Response) {
    const query = res.locals.query as LineQueryInput;
    const { workspace, base, settings } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const contractId = parseParam(ContractId, req.params.contractId);
    const lineId = parseParam(ContractId, req.params.lineId);
    const today = dayInZone(now(), i18n.timeZone);
    const [contract, history] = await Promise.all([
      contracts.find(workspace.id, user.client_id, contractId, today),
      contracts.history(workspace.id, user.client_id, contractId, lineId, today, PERIODS_SHOWN),
    ]);
    if (!contract || !history) throw notFound('We could not find that contract line.');
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
    const contractId = parseParam(ContractId, req.params.contractId);
    const lineId = parseParam(ContractId, req.params.lineId);
    const today = dayInZone(now(), i18n.timeZone);
    const [contract, history] = await Promise.all([
      contracts.find(workspace.id, user.client_id, contractId, today),
      contracts.history(workspace.id, user.client_id, contractId, lineId, today, PERIODS_SHOWN),
    ]);
    if (!contract || !history) throw notFound('We could not find that contract line.');
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

  return { list, show, line, entriesCsv };
}

export type ContractsHandlers = ReturnType<typeof createContractsHandlers>;
