// Whether an error means "the database cannot be reached right now" (restarting, failing over, the
// pool exhausted past its wait limit) rather than a bug: such a request is answered 503 with a
// Retry-After, and the next one after the server is back simply works, since the pools open fresh
// connections in place of the dead ones.

// SQLSTATE classes and codes: 08 connection exception, 57P01-57P03 admin/crash shutdown and
// "cannot connect now" (starting up or shutting down), 53300 too many connections, 57014 a
// statement cancelled by statement_timeout.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// pg and knex say these in their messages only. knex puts the statement's text in front of pg's
// message ("select … - Connection terminated unexpectedly"), so a message may follow " - ".
const UNAVAILABLE_MESSAGES = [
  /(?:^| - )Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Knex: Timeout acquiring a connection/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let current = err, depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)))
      return true;
    if (name === 'KnexTimeoutError') return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
