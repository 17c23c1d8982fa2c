// Errors that become friendly pages. Anything unexpected is a 500 page without details; the stack
// goes to the server log only.
export class HttpError extends Error {
  readonly status: number;
  readonly title: string;
  readonly details: string[];

  constructor(status: number, title: string, message: string, details: string[] = []) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.title = title;
    this.details = details;
  }
}

export function notFound(): HttpError {
  return new HttpError(404, 'Page not found', 'We could not find that page. It may have been moved, or the address may be mistyped.');
}

export function forbiddenCsrf(): HttpError {
  return new HttpError(
    403,
    'This form has expired',
    'The form was missing its security token or it did not match. Go back, reload the page and try again.',
  );
}
