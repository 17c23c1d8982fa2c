// The last two handlers of the app: a friendly 404 page and an error page that never shows a
// stack trace. Validation problems (zod, oversized uploads, malformed bodies) are 4xx pages with
// readable messages; anything else is logged and shown as a generic 500.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { HttpError, notFound } from './errors.ts';
import { issuesToErrors } from './forms.ts';
import { renderView } from './render.ts';

interface ErrorView {
  status: number;
  title: string;
  message: string;
  details: string[];
}

const TEN_MB = '10 MB';

function describe(error: unknown): ErrorView {
  if (error instanceof HttpError) {
    return { status: error.status, title: error.title, message: error.message, details: error.details };
  }
  if (error instanceof z.ZodError) {
    return {
      status: 400,
      title: 'Please check your input',
      message: 'Some of the information sent was not valid:',
      details: issuesToErrors(error.issues).map((e) => e.message),
    };
  }
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') {
      return { status: 413, title: 'File too large', message: `Files can be at most ${TEN_MB}. Choose a smaller file.`, details: [] };
    }
    return { status: 400, title: 'Upload not accepted', message: 'Upload one file at a time, using the form on the page.', details: [] };
  }
  const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
  if (status === 413) {
    return { status, title: 'Too much data', message: 'The form sent more data than this page accepts.', details: [] };
  }
  if (status >= 400 && status < 500) {
    return { status, title: 'Request not understood', message: 'The request could not be read. Go back and try again.', details: [] };
  }
  return {
    status: 500,
    title: 'Something went wrong',
    message: 'Sorry, something went wrong on our side. Please try again in a moment.',
    details: [],
  };
}

async function sendErrorPage(res: Response, view: ErrorView): Promise<void> {
  try {
    const html = await renderView(res, 'error', { ...view });
    res.status(view.status).type('html').send(html);
  } catch (renderError) {
    console.error('crm: error page failed to render', renderError);
    res.status(view.status).type('text').send(`${view.title}. ${view.message}`);
  }
}

export const notFoundHandler: RequestHandler = async (_req: Request, res: Response) => {
  await sendErrorPage(res, describe(notFound()));
};

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const view = describe(error);
  if (view.status >= 500) console.error(`crm: ${req.method} ${req.originalUrl} failed`, error);
  void sendErrorPage(res, view);
};
