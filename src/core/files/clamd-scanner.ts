// A VirusScanner that streams the file to clamd over TCP with its INSTREAM command: "zINSTREAM\0",
// then chunks each prefixed with their length as a 4-byte big-endian integer, then a zero length.
// clamd answers "stream: OK" or "stream: <signature> FOUND". Off unless the host passes it in;
// any other answer, a refused connection or a timeout is an error, never "clean".
import net from 'node:net';
import type { Readable } from 'node:stream';
import type { ScanVerdict, VirusScanner } from '../ports/services.ts';

export interface ClamdOptions {
  host: string;
  port: number;
  timeoutMs?: number;
}

export class VirusScanError extends Error {}

export function createClamdScanner(options: ClamdOptions): VirusScanner {
  return {
    scan(content: Readable): Promise<ScanVerdict> {
      return new Promise<ScanVerdict>((resolve, reject) => {
        const socket = net.connect({ host: options.host, port: options.port });
        let answer = '';
        let settled = false;
        const finish = (err: Error | null, verdict?: ScanVerdict) => {
          if (settled) return;
          settled = true;
          socket.destroy();
          content.destroy();
          if (err) reject(err);
          else resolve(verdict!);
        };
        socket.setTimeout(options.timeoutMs ?? 30_000, () => finish(new VirusScanError('clamd did not answer in time')));
        socket.on('error', (err) => finish(new VirusScanError(`clamd: ${err.message}`)));
        socket.on('data', (data) => {
          answer += data.toString('utf8');
        });
        socket.on('end', () => {
          const reply = answer.replace(/\0/g, '').trim();
          const found = /^stream: (.+) FOUND$/.exec(reply);
          if (found) return finish(null, { infected: true, signature: found[1]! });
          if (reply === 'stream: OK') return finish(null, { infected: false });
          finish(new VirusScanError(`clamd answered: ${reply.slice(0, 200) || '(nothing)'}`));
        });
        socket.once('connect', async () => {
          try {
            socket.write('zINSTREAM\0');
            for await (const chunk of content) {
              const bytes = Buffer.from(chunk as Buffer);
              const length = Buffer.alloc(4);
              length.writeUInt32BE(bytes.length);
              if (!socket.write(Buffer.concat([length, bytes]))) await new Promise((r) => socket.once('drain', r));
            }
            socket.write(Buffer.alloc(4));
          } catch (err) {
            finish(err as Error);
          }
        });
      });
    },
  };
}
