// A small clamd for tests: a real TCP server speaking clamd's INSTREAM protocol.
import net from 'node:net';

/** The EICAR antivirus test string: harmless, and flagged by every scanner. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/**
 * A small clamd: reads "zINSTREAM\0", then length-prefixed chunks up to a zero length, and answers
 * FOUND when the bytes contain the EICAR test string (which may straddle chunks), else OK.
 */
export async function startFakeClamd(): Promise<{ port: number; received: number[]; close(): Promise<void> }> {
  const received: number[] = [];
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    let command = false;
    const body: Buffer[] = [];
    socket.on('data', (data) => {
      buffered = Buffer.concat([buffered, data]);
      if (!command) {
        const end = buffered.indexOf(0);
        if (end < 0) return;
        if (buffered.subarray(0, end).toString() !== 'zINSTREAM') return void socket.end('UNKNOWN COMMAND\0');
        command = true;
        buffered = buffered.subarray(end + 1);
      }
      while (buffered.length >= 4) {
        const length = buffered.readUInt32BE(0);
        if (length === 0) {
          const content = Buffer.concat(body);
          received.push(content.length);
          const infected = content.includes(EICAR);
          return void socket.end(infected ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
        }
        if (buffered.length < 4 + length) return;
        body.push(buffered.subarray(4, 4 + length));
        buffered = buffered.subarray(4 + length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
