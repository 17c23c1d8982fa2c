// The Company page: the company's address, billing email, tax id and phone as the host keeps them.
// Everyone of the company with the host's leave to read them sees them; a client admin (the
// companyDetails permission, with the workspace's switch on) changes them. A change is written to
// the host's own record with its entry in the activity log (old → new per field, which the agency's
// notifications are built from), in one transaction: all of it or none. Post, then redirect (PRG).
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  clientActor,
  type FieldErrors,
  type HostAdapter,
  HttpError,
  insertClientActivity,
  mayReadCompanyDetails,
  notFound,
  permits,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
  signedInClient,
} from '../../core/index.ts';
import type { CompanyDetails, CompanyDetailsPort } from './port.ts';
import type { CompanyDetailsInput, CompanyDetailsQueryInput } from './commands.ts';
import { changeList, changesOf, countryOptions, formValues, LIMITS, presentDetails, vatExample } from './presenters.ts';

export interface CompanyDetailsDeps {
  db: Knex;
  adapter: HostAdapter & { companyDetails: CompanyDetailsPort };
}

interface FormState {
  errors?: FieldErrors;
  sent?: Record<string, unknown>;
}

export function createCompanyDetailsHandlers(deps: CompanyDetailsDeps) {
  const { db } = deps;
  const port = deps.adapter.companyDetails;

  /** The details, for a person the host lets read them (404 otherwise: the page does not exist for them). */
  async function readable(res: Response): Promise<CompanyDetails> {
    const { workspace } = portalContext(res);
    const client = signedInClient(res);
    if (!mayReadCompanyDetails(client.access)) throw notFound();
    const details = await port.read(workspace.id, client.user.client_id);
    if (!details) throw notFound();
    return details;
  }

  async function show(req: Request, res: Response, form: FormState = {}, status = 200) {
    const details = await readable(res);
    const { settings, base } = portalContext(res);
    const i18n = portalI18n(res);
    const { t } = i18n;
    const query = (res.locals.query ?? {}) as CompanyDetailsQueryInput;
    const editing = permits(settings, 'companyDetails');
    const errors = form.errors ?? {};
    renderPortalPage(
      req,
      res,
      'company-details/show',
      t('companyDetails:title'),
      {
        company: signedInClient(res).contact.clientName,
        details: presentDetails(details, i18n),
        editing,
        editable: new Set(port.editable),
        values: formValues(details, form.sent),
        errors,
        errorCount: Object.keys(errors).length,
        countries: countryOptions(i18n.locale),
        vatExample: vatExample(typeof form.sent?.countryCode === 'string' ? form.sent.countryCode : details.countryCode),
        limits: LIMITS,
        action: `${base}/account/company`,
        notice: query.notice && status === 200 ? t(`companyDetails:notices.${query.notice}`) : null,
      },
      status,
    );
  }

  return {
    show: (req: Request, res: Response) => show(req, res),

    /** The form again, as sent, with what is wrong beside each field (400). */
    invalid: async (req: Request, res: Response, errors: FieldErrors) =>
      show(req, res, { errors, sent: req.body as Record<string, unknown> }, 400),

    update: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const input = req.body as CompanyDetailsInput;
      const saved = await db.transaction(async (trx) => {
        const write = { trx, ip: requestMeta(req).ip };
        const before = await port.read(workspace.id, user.client_id, write);
        if (!before) return null;
        const wanted = changesOf(before, input, port.editable);
        if (Object.keys(wanted).length === 0) return { changed: false };
        const result = await port.update(workspace.id, user.client_id, wanted, write);
        if (!result) return null;
        const changes = changeList(result.before, result.after);
        if (changes.length === 0) return { changed: false };
        await insertClientActivity(trx, clientActor(req, res), 'company.details_changed', { changes });
        return { changed: true };
      });
      // The host would not write it (a client it cannot find, an Alga client without a location).
      if (!saved) throw new HttpError(409, 'companyDetails:errors.notWritable');
      res.redirect(303, `${base}/account/company?notice=${saved.changed ? 'saved' : 'unchanged'}`);
    },
  };
}

export type CompanyDetailsHandlers = ReturnType<typeof createCompanyDetailsHandlers>;
