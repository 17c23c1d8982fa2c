// Documents: files kept for a client (uploaded to PostgreSQL), downloaded by staff, and optionally
// shared with the client. Uploads are multipart: the form's CSRF token is its first field, checked
// before the file is kept and again once the body is read (see csrf.ts); multer keeps the file in
// memory, at most 10 MB.
import { Router, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { findClient, listClients } from '../../queries/clients.ts';
import { findDocument, findDocumentContent, insertDocument, listDocuments, setDocumentShared } from '../../queries/documents.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { csrfFileFilter, csrfInBody } from '../csrf.ts';
import { checkboxField, choiceField, idField, parseForm, type FieldError } from '../forms.ts';
import { clientOptions, presentDocument } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { tellPlugins } from '../record-changes.ts';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** What staff may upload: documents, spreadsheets, images and archives — nothing a browser runs. */
const ALLOWED_CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['application/pdf', 'PDF'],
  ['text/plain', 'text'],
  ['text/csv', 'CSV'],
  ['image/png', 'PNG image'],
  ['image/jpeg', 'JPEG image'],
  ['image/gif', 'GIF image'],
  ['image/webp', 'WebP image'],
  ['application/zip', 'ZIP archive'],
  ['application/msword', 'Word document'],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Word document'],
  ['application/vnd.ms-excel', 'Excel spreadsheet'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Excel spreadsheet'],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'PowerPoint presentation'],
]);

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 12 },
  // File names arrive as UTF-8 from browsers; multer's default would decode them as latin1.
  defParamCharset: 'utf8',
  fileFilter: csrfFileFilter,
} as multer.Options);

/** The upload form's address, which csrf.ts lets through to read its token from the body. */
export const DOCUMENT_UPLOAD_PATH = '/documents';

const uploadSchema = z.object({
  clientId: idField('Choose the client this document belongs to.'),
  shared: checkboxField(),
});

const sharingSchema = z.object({
  shared: choiceField(['true', 'false'], 'Choose whether to share the document.'),
});

/** The last path segment, without control characters, at most 255 characters with its extension. */
function cleanFilename(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return 'upload';
  if (cleaned.length <= 255) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, 255 - extension.length) + extension;
}

export function documentRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  async function showUploadForm(res: Response, values: unknown, errors: FieldError[], status = 200) {
    const { workspaceId } = staffOf(res);
    const clients = await listClients(db, { workspaceId });
    await render(
      res,
      'documents/new',
      { title: 'Upload a document', section: 'documents', form: formView(values, errors), clients: clientOptions(clients) },
      status,
    );
  }

  router.get('/documents', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const documents = await listDocuments(db, { workspaceId });
    await render(res, 'documents/index', { title: 'Documents', section: 'documents', documents: documents.map(presentDocument) });
  });

  router.get('/documents/new', requireStaff, async (req, res) => {
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    await showUploadForm(res, { clientId: client }, []);
  });

  router.post(DOCUMENT_UPLOAD_PATH, requireStaff, upload.single('file'), csrfInBody, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(uploadSchema, req.body);
    const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
    const file = req.file;
    if (!file || file.size === 0) {
      errors.push({ field: 'file', message: 'Choose a file to upload.' });
    } else if (!ALLOWED_CONTENT_TYPES.has(file.mimetype)) {
      errors.push({
        field: 'file',
        message: 'This type of file is not accepted. Upload a PDF, text, CSV, image, Office document or ZIP file.',
      });
    }
    if (!parsed.ok || !file || errors.length > 0) return showUploadForm(res, req.body, errors, 400);
    const client = await findClient(db, { workspaceId, clientId: parsed.data.clientId });
    if (!client) {
      return showUploadForm(res, req.body, [{ field: 'clientId', message: 'Choose the client this document belongs to.' }], 400);
    }
    const id = await insertDocument(db, {
      workspaceId,
      clientId: client.id,
      filename: cleanFilename(file.originalname),
      contentType: file.mimetype,
      content: file.buffer,
      sharedWithClient: parsed.data.shared,
    });
    // An unshared upload is not on the client's pages: nothing there changes.
    if (parsed.data.shared)
      await tellPlugins(plugins, {
        workspaceId,
        clientId: client.id,
        kind: 'document',
        id,
        happened: 'shared',
        title: cleanFilename(file.originalname),
      });
    res.redirect(303, `/documents/${id}`);
  });

  router.get('/documents/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const document = found(await findDocument(db, { workspaceId, documentId: routeId(req.params.id) }));
    await render(res, 'documents/show', {
      title: document.filename,
      section: 'documents',
      document: presentDocument(document),
      sharingPath: `/documents/${document.id}/sharing`,
    });
  });

  router.get('/documents/:id/download', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const document = found(await findDocumentContent(db, { workspaceId, documentId: routeId(req.params.id) }));
    // Always an attachment with the stored type: an uploaded file is never rendered as a page.
    res.attachment(document.filename);
    res.type(document.content_type);
    res.set('Cache-Control', 'private, no-store');
    res.send(document.content);
  });

  router.post('/documents/:id/sharing', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const document = found(await findDocument(db, { workspaceId, documentId: routeId(req.params.id) }));
    const parsed = parseForm(sharingSchema, req.body);
    if (!parsed.ok) {
      return render(
        res,
        'error',
        {
          title: 'Please check your input',
          status: 400,
          message: 'The sharing choice was not valid.',
          details: parsed.errors.map((e) => e.message),
        },
        400,
      );
    }
    const shared = parsed.data.shared === 'true';
    await setDocumentShared(db, { workspaceId, documentId: document.id, shared });
    await tellPlugins(plugins, {
      workspaceId,
      clientId: document.client_id,
      kind: 'document',
      id: document.id,
      ...(shared ? { happened: 'shared' as const, title: document.filename } : {}),
    });
    res.redirect(303, `/documents/${document.id}`);
  });

  return router;
}
