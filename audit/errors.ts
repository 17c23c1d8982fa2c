// The one error type the audit shows to a person. Its message is a complete sentence meant for a
// single stderr line; anything else that escapes is a bug and is reported as such by the CLI.
export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A connection string with the password replaced, safe to print and to put in a report. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
