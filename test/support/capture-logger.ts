// A real pino logger for tests: its lines go to memory (to grep), and every error-level call is
// also kept as { message, err } with the original error object, for tests that check what failed.
import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS, type StructuredLogger } from '../../src/core/ops/logging.ts';

export interface LoggedError {
  message: string;
  err: unknown;
}

export interface CapturedLogger {
  logger: StructuredLogger;
  /** Every line written so far (JSON, one a line). */
  output(): string;
  errors: LoggedError[];
}

export function captureLogger(level = 'error'): CapturedLogger {
  const chunks: string[] = [];
  const errors: LoggedError[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method, levelNumber) {
          if (levelNumber >= 50) {
            const [first, second] = args as unknown[];
            if (typeof first === 'string') errors.push({ message: first, err: undefined });
            else errors.push({ message: String(second ?? ''), err: (first as { err?: unknown } | null)?.err });
          }
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
  return { logger, output: () => chunks.join(''), errors };
}
