// What a browser, a proxy or a shared computer may keep of a page. Every portal page that is not a
// public asset carries something personal or secret: a signed-in client's data, a CSRF token bound
// to the visitor's cookie, a reset or invitation token in its address, a public-link token on the
// staff record page. `no-store` rather than `private, no-cache`: `private` still lets the browser
// keep the page on disk and show it again from the back button after sign-out on a shared computer.
// Set once per router, before any handler; a route that may be cached (branding.css, the logo,
// downloads with their own rules) sets its own header afterwards, which replaces this one.
import type { NextFunction, Request, Response } from 'express';

const NO_STORE = 'no-store';

export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', NO_STORE);
  next();
}

/** Whether the answer is being sent no-store (by noStore or by a route's own header): such a page is never kept. */
export function isNoStore(res: Response): boolean {
  return String(res.get('Cache-Control') ?? '')
    .split(',')
    .some((directive) => directive.trim().toLowerCase() === NO_STORE);
}
