// A port free a moment ago, for a server whose address must be known before it starts (a child
// process's PORT, an APP_URL that names it). Between the check and the listen another socket may be
// given the port, so a start on one is tried again on another when it fails on exactly that.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `start` on a free port; again on another (three tries in all) while `taken(error)` says the port was taken. */
export async function onAFreePort<T>(start: (port: number) => Promise<T>, taken: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt === 3 || !taken(error)) throw error;
    }
  }
}
