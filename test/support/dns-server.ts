// A DNS server on 127.0.0.1 for tests: dns2's UDP server on a random port, answering TXT questions
// from a map the test fills (names lower case, without the trailing dot). Any other name is NXDOMAIN,
// as a real authoritative server answers a name it does not hold, so code under test meets the
// same packets and the same errors node's resolver gives for real DNS.
import dns2 from 'dns2';

const NXDOMAIN = 3;

export interface LocalDnsServer {
  /** `127.0.0.1:<port>`, as a resolver's server list takes it. */
  address: string;
  /** TXT records by name; each record the strings it is made of. */
  txt: Map<string, string[][]>;
  /** Questions asked, by name, in order. */
  asked: string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<LocalDnsServer> {
  const txt = new Map<string, string[][]>();
  const asked: string[] = [];
  const server = dns2.createUDPServer((request, send) => {
    const response = dns2.Packet.createResponseFromRequest(request) as ReturnType<typeof dns2.Packet.createResponseFromRequest> & {
      header: { rcode: number };
    };
    const [question] = request.questions;
    const name = (question?.name ?? '').toLowerCase().replace(/\.$/, '');
    asked.push(name);
    const records = txt.get(name);
    if (!records) response.header.rcode = NXDOMAIN;
    // dns2 encodes an array as a record of several strings; its types say one string.
    for (const strings of records ?? [])
      (response.answers as unknown[]).push({ name, type: dns2.Packet.TYPE.TXT, class: dns2.Packet.CLASS.IN, ttl: 60, data: strings });
    send(response);
  });
  await server.listen(0, '127.0.0.1');
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    txt,
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
