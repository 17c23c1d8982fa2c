// The catalogue page, for a host that keeps neither a catalogue of requests nor booking hours of
// its own (Dolibarr, HostPortalCataloguePort): the request types the agency offers clients (a
// form, and what a request becomes in the host) and the hours of each of the host's calendars
// clients may book. Another host's page says the CRM keeps them itself. Every form posts, then
// redirects (PRG); a refused one comes back as sent with its messages.
import type { Request, Response } from 'express';
import {
  type FieldErrors,
  formAnswerStatus,
  type HostAdapter,
  notFound,
  parseParam,
  renderAdminPage,
  staffContext,
  type Translate,
} from '../../core/index.ts';
import type { CatalogueCalendar, CatalogueRequestType } from './port.ts';
import {
  type CalendarHoursInput,
  CatalogueIdParam,
  type CatalogueQueryInput,
  questionsText,
  type RequestTypeInput,
} from './catalogue-commands.ts';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const NOTICES = { created: 'created', saved: 'saved', hours: 'hours' } as const;

interface TypeForm {
  name: string;
  description: string;
  becomes: string;
  ticketType: string;
  questions: string;
  active: boolean;
}

const text = (body: Record<string, unknown>, key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');

function sentTypeForm(req: Request): TypeForm {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    name: text(body, 'name'),
    description: text(body, 'description'),
    becomes: text(body, 'becomes') || 'proposal',
    ticketType: text(body, 'ticketType'),
    questions: text(body, 'questions'),
    active: body.active !== undefined,
  };
}

/** The forms' messages are keys of ours (catalogue-commands.ts): in the staff member's language. */
const translated = (errors: FieldErrors, t: Translate): FieldErrors =>
  Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [
      field,
      typeof message === 'string' && message.startsWith('admin:') ? t(message) : message,
    ]),
  );

const typeForm = (type: CatalogueRequestType | null): TypeForm => ({
  name: type?.name ?? '',
  description: type?.description ?? '',
  becomes: type?.becomes ?? 'proposal',
  ticketType: type?.ticketType ?? '',
  questions: type ? questionsText(type.fields) : '',
  active: type?.active ?? true,
});

function calendarModel(calendar: CatalogueCalendar, base: string, t: Translate, sent?: Record<string, unknown>) {
  const hours = calendar.hours;
  const span = (weekday: number) => hours?.spans.find((s) => s.weekday === weekday);
  const value = (key: string, fallback: string) => (sent ? text(sent, key) : fallback);
  return {
    id: calendar.id,
    name: calendar.name,
    action: `${base}/catalogue/calendars/${encodeURIComponent(calendar.id)}`,
    configured: hours !== null,
    days: WEEKDAYS.map((weekday) => ({
      weekday,
      label: t(`admin:catalogue.weekdays.${weekday}`),
      opens: value(`opens_${weekday}`, span(weekday)?.opens ?? ''),
      closes: value(`closes_${weekday}`, span(weekday)?.closes ?? ''),
    })),
    timeZone: value('timeZone', hours?.timeZone ?? 'Europe/Berlin'),
    minutes: value('minutes', String(hours?.minutes ?? 60)),
    noticeHours: value('noticeHours', String(Math.round((hours?.noticeMinutes ?? 1440) / 60))),
    horizonDays: value('horizonDays', String(hours?.horizonDays ?? 60)),
  };
}

export function createCatalogueHandlers(deps: { adapter: HostAdapter }) {
  const port = deps.adapter.portalCatalogue;
  const home = (res: Response) => `${staffContext(res).base}/catalogue`;

  async function page(req: Request, res: Response, refused: { form: 'new' | string; errors: FieldErrors } | null = null, status = 200) {
    const { workspace, base, i18n } = staffContext(res);
    const { t } = i18n;
    const notice = (res.locals.query as CatalogueQueryInput | undefined)?.notice;
    if (!port) {
      renderAdminPage(req, res, 'admin/catalogue', t('admin:catalogue.title'), { hostKeeps: true }, status);
      return;
    }
    const [types, ticketTypes, calendars] = await Promise.all([
      port.requestTypes(workspace.id),
      port.ticketTypes(workspace.id),
      port.calendars(workspace.id),
    ]);
    const sent = (req.body ?? {}) as Record<string, unknown>;
    renderAdminPage(
      req,
      res,
      'admin/catalogue',
      t('admin:catalogue.title'),
      {
        hostKeeps: false,
        notice: notice ? t(`admin:catalogue.notices.${NOTICES[notice]}`) : null,
        types: types.map((type) => ({
          name: type.name,
          becomes: t(`admin:catalogue.becomes.${type.becomes}`),
          questions: type.fields.length,
          active: type.active,
          href: `${base}/catalogue/request-types/${encodeURIComponent(type.id)}`,
        })),
        newType: {
          action: `${base}/catalogue/request-types`,
          form: refused?.form === 'new' ? sentTypeForm(req) : typeForm(null),
          errors: refused?.form === 'new' ? translated(refused.errors, t) : {},
          ticketTypes,
        },
        calendars: calendars.map((calendar) => ({
          ...calendarModel(calendar, base, t, refused?.form === `calendar-${calendar.id}` ? sent : undefined),
          errors: refused?.form === `calendar-${calendar.id}` ? translated(refused.errors, t) : {},
        })),
      },
      status,
    );
  }

  async function loadType(req: Request, res: Response): Promise<CatalogueRequestType> {
    const id = parseParam(CatalogueIdParam, req.params.typeId);
    const type = port ? (await port.requestTypes(staffContext(res).workspace.id)).find((t) => t.id === id) : undefined;
    if (!type) throw notFound('We could not find that request type.');
    return type;
  }

  async function edit(req: Request, res: Response, type: CatalogueRequestType, errors: FieldErrors | null, status = 200) {
    const { workspace, base, i18n } = staffContext(res);
    renderAdminPage(
      req,
      res,
      'admin/catalogue-type',
      i18n.t('admin:catalogue.editTitle', { name: type.name }),
      {
        backHref: home(res),
        type: {
          action: `${base}/catalogue/request-types/${encodeURIComponent(type.id)}`,
          form: errors ? sentTypeForm(req) : typeForm(type),
          errors: errors ? translated(errors, i18n.t) : {},
          ticketTypes: await port!.ticketTypes(workspace.id),
        },
      },
      status,
    );
  }

  const save = async (res: Response, id: string | null, input: RequestTypeInput) =>
    port!.saveRequestType(staffContext(res).workspace.id, id, {
      name: input.name,
      description: input.description,
      fields: input.fields,
      becomes: input.becomes,
      ticketType: input.ticketType,
      active: input.active,
    });

  return {
    show: (req: Request, res: Response) => page(req, res),

    invalidNewType: (req: Request, res: Response, errors: FieldErrors) =>
      page(req, res, { form: 'new', errors }, formAnswerStatus(req, 400)),

    createType: async (req: Request, res: Response) => {
      if (!port) throw notFound();
      if ((await save(res, null, req.body as RequestTypeInput)) === null) throw notFound();
      res.redirect(303, `${home(res)}?notice=created`);
    },

    editType: async (req: Request, res: Response) => edit(req, res, await loadType(req, res), null),

    invalidType: async (req: Request, res: Response, errors: FieldErrors) =>
      edit(req, res, await loadType(req, res), errors, formAnswerStatus(req, 400)),

    saveType: async (req: Request, res: Response) => {
      const type = await loadType(req, res);
      if ((await save(res, type.id, req.body as RequestTypeInput)) === null) throw notFound();
      res.redirect(303, `${home(res)}?notice=saved`);
    },

    invalidHours: async (req: Request, res: Response, errors: FieldErrors) => {
      const id = parseParam(CatalogueIdParam, req.params.calendarId);
      const calendars = port ? await port.calendars(staffContext(res).workspace.id) : [];
      if (!calendars.some((c) => c.id === id)) throw notFound('We could not find that calendar.');
      await page(req, res, { form: `calendar-${id}`, errors }, formAnswerStatus(req, 400));
    },

    saveHours: async (req: Request, res: Response) => {
      const id = parseParam(CatalogueIdParam, req.params.calendarId);
      const input = req.body as CalendarHoursInput;
      if (!port || !(await port.saveCalendarHours(staffContext(res).workspace.id, id, input)))
        throw notFound('We could not find that calendar.');
      res.redirect(303, `${home(res)}?notice=hours#calendar-${id}`);
    },
  };
}
