// Contacts: people at a client. The portal signs these people in, by email.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { findClient, listClients } from '../../queries/clients.ts';
import { findContact, insertContact, listContacts } from '../../queries/contacts.ts';
import { listTasks } from '../../queries/tasks.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { emailField, idField, nameText, optionalText, parseForm, type FieldError } from '../forms.ts';
import { clientOptions, presentContact, presentTask } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

const createContactSchema = z.object({
  clientId: idField('Choose the client this contact works for.'),
  name: nameText('Name', 200, "Enter the contact's name."),
  email: emailField(),
  phone: optionalText('Phone', 50),
});

export function contactRoutes({ db }: RouteDeps): Router {
  const router = Router();

  async function showNewContactForm(res: Response, values: unknown, errors: FieldError[], status = 200) {
    const { workspaceId } = staffOf(res);
    const clients = await listClients(db, { workspaceId });
    await render(
      res,
      'contacts/new',
      { title: 'New contact', section: 'contacts', form: formView(values, errors), clients: clientOptions(clients) },
      status,
    );
  }

  router.get('/contacts', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const contacts = await listContacts(db, { workspaceId });
    await render(res, 'contacts/index', { title: 'Contacts', section: 'contacts', contacts: contacts.map(presentContact) });
  });

  router.get('/contacts/new', requireStaff, async (req, res) => {
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    await showNewContactForm(res, { clientId: client }, []);
  });

  router.post('/contacts', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(createContactSchema, req.body);
    if (!parsed.ok) return showNewContactForm(res, req.body, parsed.errors, 400);
    const client = await findClient(db, { workspaceId, clientId: parsed.data.clientId });
    if (!client) {
      return showNewContactForm(res, req.body, [{ field: 'clientId', message: 'Choose the client this contact works for.' }], 400);
    }
    const id = await insertContact(db, { workspaceId, ...parsed.data, clientId: client.id });
    res.redirect(303, `/contacts/${id}`);
  });

  router.get('/contacts/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const contact = found(await findContact(db, { workspaceId, contactId: routeId(req.params.id) }));
    const tasks = await listTasks(db, { workspaceId, assignedContactId: contact.id });
    await render(res, 'contacts/show', {
      title: contact.name,
      section: 'contacts',
      contact: presentContact(contact),
      tasks: tasks.map(presentTask),
    });
  });

  return router;
}
