// The custom domains page on the staff side: the workspace's domains with the DNS records to create,
// a form to add one, and per domain "Check now" and "Remove". Every form redirects back (a notice
// in the query), so a reload sends nothing again.
import type { Request, Response } from 'express';
import { type FieldErrors, notFound, parseParam, renderAdminPage, staffContext } from '../../core/index.ts';
import { type AddDomainInput, type DomainNotice, type DomainsQueryInput, HostnameParam } from './commands.ts';
import { presentDomain } from './presenters.ts';
import { MAX_DOMAINS_PER_WORKSPACE, type CustomDomains } from './service.ts';

const DOMAIN_NOT_FOUND = 'We could not find that domain.';

export function createCustomDomainHandlers(domains: CustomDomains) {
  const pageHref = (res: Response, notice?: DomainNotice) => `${staffContext(res).base}/custom-domains${notice ? `?notice=${notice}` : ''}`;

  async function showPage(req: Request, res: Response, form: { hostname?: string; errors?: FieldErrors } = {}, status = 200) {
    const { workspace, base, i18n } = staffContext(res);
    const notice = (res.locals.query as DomainsQueryInput | undefined)?.notice;
    const rows = await domains.list(workspace.id);
    renderAdminPage(
      req,
      res,
      'admin/custom-domains',
      i18n.t('customDomains:title'),
      {
        domains: rows.map((row) => presentDomain(row, { base, target: domains.target, i18n })),
        notice: notice ? i18n.t(`customDomains:notices.${notice}`) : null,
        addAction: `${base}/custom-domains`,
        canAdd: rows.length < MAX_DOMAINS_PER_WORKSPACE,
        max: MAX_DOMAINS_PER_WORKSPACE,
        hostname: form.hostname ?? '',
        errors: form.errors ?? {},
      },
      status,
    );
  }

  const hostnameOf = (req: Request) => parseParam(HostnameParam, req.params.hostname);

  return {
    show: (req: Request, res: Response) => showPage(req, res),

    invalid: (req: Request, res: Response, errors: FieldErrors) => {
      const hostname = (req.body as { hostname?: unknown } | undefined)?.hostname;
      return showPage(req, res, { errors, hostname: typeof hostname === 'string' ? hostname : '' }, 400);
    },

    add: async (req: Request, res: Response) => {
      const { workspace, staff, i18n } = staffContext(res);
      const { hostname } = req.body as AddDomainInput;
      const added = await domains.add(workspace.id, staff.id, hostname);
      if ('refused' in added)
        return showPage(
          req,
          res,
          { hostname, errors: { hostname: i18n.t(`customDomains:refusals.${added.refused}`, { max: MAX_DOMAINS_PER_WORKSPACE }) } },
          400,
        );
      res.redirect(303, pageHref(res, added.holds ? 'added' : 'addedWaiting'));
    },

    check: async (req: Request, res: Response) => {
      const { workspace } = staffContext(res);
      const result = await domains.check(workspace.id, hostnameOf(req));
      if (!result) throw notFound(DOMAIN_NOT_FOUND);
      res.redirect(303, pageHref(res, result === 'verified' || result === 'heldElsewhere' ? result : 'failed'));
    },

    remove: async (req: Request, res: Response) => {
      const { workspace } = staffContext(res);
      if (!(await domains.remove(workspace.id, hostnameOf(req)))) throw notFound(DOMAIN_NOT_FOUND);
      res.redirect(303, pageHref(res, 'removed'));
    },
  };
}

export type CustomDomainHandlers = ReturnType<typeof createCustomDomainHandlers>;
