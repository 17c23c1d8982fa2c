// Errors that carry an HTTP status and a message a person can read. Anything else that reaches
// the error handler is a bug: logged, and answered with a generic 500 page.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (message = 'We could not find that page.') => new HttpError(404, message);
export const forbidden = (message = 'You do not have access to this page.') => new HttpError(403, message);
export const badRequest = (message: string) => new HttpError(400, message);
