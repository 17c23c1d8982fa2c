// SCIM's own error answer (RFC 7644 §3.12): a JSON body with the error schema, the status as a
// string, and where one fits a scimType. Every refusal of the SCIM endpoints is one of these,
// never a page or a stack trace: a directory logs the detail for its administrator.
import type { Response } from 'express';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidSyntax'
  | 'invalidValue'
  | 'invalidFilter'
  | 'invalidPath'
  | 'uniqueness'
  | 'mutability'
  | 'tooMany'
  | 'noTarget';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export function sendScimError(res: Response, err: ScimError): void {
  res.status(err.status).set(err.headers).type(SCIM_CONTENT_TYPE);
  res.send(
    JSON.stringify({
      schemas: [ERROR_SCHEMA],
      status: String(err.status),
      ...(err.scimType ? { scimType: err.scimType } : {}),
      detail: err.detail,
    }),
  );
}

export const notFoundScim = () => new ScimError(404, 'No such resource.');
