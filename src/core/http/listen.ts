// Listening on a port for every server of the project (the reference CRM, the standalone portal,
// the host alone in tests): one place that turns a port that cannot be taken into a sentence.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Raised when the port cannot be taken; the message says which port and what to do. */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

function sentenceFor(error: NodeJS.ErrnoException, port: number, host: string): string {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') return `port ${port} is already in use on ${host}: stop what listens there or set PORT to a free port`;
  if (error.code === 'EACCES') return `not allowed to listen on ${where}: choose a port above 1023 or run with the right to bind it`;
  if (error.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine: set HOST to one of its addresses`;
  return `cannot listen on ${where}: ${error.message}`;
}

/**
 * The app listening on `port` (0: any free port) and `host`, with the port it got. Express 5 calls
 * the listen callback with the error when listening fails, so the error is checked here: otherwise a
 * taken port would surface later as a server without an address.
 */
export function listen(app: Express, port: number, host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host, (error?: Error) => {
      if (error) {
        reject(new ListenError(sentenceFor(error as NodeJS.ErrnoException, port, host), (error as NodeJS.ErrnoException).code));
      } else resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
