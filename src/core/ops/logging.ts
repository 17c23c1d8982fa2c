// The portal's logger: structured JSON lines (pino). The host passes its own pino logger (or
// anything with the same info/warn/error/child calls) so the portal's lines join its stream;
// otherwise the portal makes one. Each request logs through a child carrying its request id
// (src/core/ops/request-context.ts).
//
// What never reaches a line: request bodies (passwords, one-time codes, CSRF fields) are never
// logged at all, and URLs are logged as their route pattern (`/p/:token`), so tokens in paths and
// query strings stay out. The redact list below is the second line of defence for an object that
// does carry headers or credentials into a log call.
import pino, { type Bindings, type DestinationStream, type LogFn } from 'pino';

export interface StructuredLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Bindings): StructuredLogger;
}

export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.password',
  '*.code',
  '*.token',
  '*._csrf',
  '*.secret',
  '*.sessionSecret',
];

export interface PortalLoggerOptions {
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  level?: string;
  /** Where the lines go (tests capture them); stdout by default. */
  destination?: DestinationStream;
}

export function createPortalLogger(options: PortalLoggerOptions = {}): StructuredLogger {
  return pino(
    {
      name: 'customer-portal',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination(1),
  );
}

/** What feature code logs through: a message, and the error when there is one. */
export interface PortalLogger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}
