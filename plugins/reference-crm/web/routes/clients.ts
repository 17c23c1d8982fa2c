// Clients: list, detail (with everything the agency holds for the client) and create.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { findClient, insertClient, listClients } from '../../queries/clients.ts';
import { listContacts } from '../../queries/contacts.ts';
import { listDocuments } from '../../queries/documents.ts';
import { listInvoices } from '../../queries/invoices.ts';
import { listProposals } from '../../queries/proposals.ts';
import { listQuotations } from '../../queries/quotations.ts';
import { listTasks } from '../../queries/tasks.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { nameText, optionalText, parseForm, websiteField, type FieldError } from '../forms.ts';
import {
  presentClient,
  presentClientListItem,
  presentContact,
  presentDocument,
  presentInvoice,
  presentOffer,
  presentTask,
} from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { ticketRefsOf } from '../../queries/tickets.ts';
import { pluginCompanySurveys } from '../plugin-ticket-files.ts';
import { presentSurveyAnswer } from '../presenters.ts';

const createClientSchema = z.object({
  name: nameText('Name', 200, "Enter the client's name."),
  website: websiteField(),
  address: optionalText('Address', 500),
});

function showNewClientForm(res: Response, values: unknown, errors: FieldError[], status = 200) {
  return render(res, 'clients/new', { title: 'New client', section: 'clients', form: formView(values, errors) }, status);
}

export function clientRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  router.get('/clients', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const clients = await listClients(db, { workspaceId });
    await render(res, 'clients/index', { title: 'Clients', section: 'clients', clients: clients.map(presentClientListItem) });
  });

  router.get('/clients/new', requireStaff, async (_req, res) => {
    await showNewClientForm(res, {}, []);
  });

  router.post('/clients', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(createClientSchema, req.body);
    if (!parsed.ok) return showNewClientForm(res, req.body, parsed.errors, 400);
    const id = await insertClient(db, { workspaceId, ...parsed.data });
    res.redirect(303, `/clients/${id}`);
  });

  router.get('/clients/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const client = found(await findClient(db, { workspaceId, clientId: routeId(req.params.id) }));
    const scope = { workspaceId, clientId: client.id };
    const [contacts, proposals, quotations, invoices, tasks, documents, surveys] = await Promise.all([
      listContacts(db, scope),
      listProposals(db, scope),
      listQuotations(db, scope),
      listInvoices(db, scope),
      listTasks(db, scope),
      listDocuments(db, scope),
      // The company's satisfaction, as the client portal keeps its survey answers.
      pluginCompanySurveys(plugins, res, client.id),
    ]);
    const answered = (surveys?.recent ?? []).map((answer) => Number(answer.ticketId)).filter(Number.isSafeInteger);
    const refs = await ticketRefsOf(db, { ...scope, ids: answered });
    await render(res, 'clients/show', {
      title: client.name,
      section: 'clients',
      client: presentClient(client),
      contacts: contacts.map(presentContact),
      proposals: proposals.map((row) => presentOffer('proposal', row)),
      quotations: quotations.map((row) => presentOffer('quotation', row)),
      invoices: invoices.map(presentInvoice),
      tasks: tasks.map(presentTask),
      documents: documents.map(presentDocument),
      surveys: surveys
        ? {
            count: surveys.count,
            average: surveys.average === null ? null : surveys.average.toFixed(1),
            scale: surveys.scale,
            recent: surveys.recent.map((answer) => {
              const ticket = refs.get(Number(answer.ticketId));
              return {
                ...presentSurveyAnswer(answer),
                ticket: ticket ? `${ticket.ref} ${ticket.subject}` : `#${answer.ticketId}`,
                href: `/tickets/${encodeURIComponent(answer.ticketId)}`,
              };
            }),
          }
        : null,
    });
  });

  return router;
}
