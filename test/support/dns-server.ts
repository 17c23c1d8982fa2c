// A DNS server on 127.0.0.1 for tests: dns2's UDP server on a random port, answering TXT, A and AAAA
// questions from maps the test fills (names lower case, without the trailing dot). A name it holds
// records of another type for answers with none (NODATA); any other name is NXDOMAIN, as a real
// authoritative server answers a name it does not hold, so code under test meets the same packets
// and the same errors node's resolver gives for real DNS.
import { isIPv4, isIPv6 } from 'node:net';
import dns2 from 'dns2';

const NXDOMAIN = 3;

export interface LocalDnsServer {
  /** `127.0.0.1:<port>`, as a resolver's server list takes it. */
  address: string;
  /** TXT records by name; each record the strings it is made of. */
  txt: Map<string, string[][]>;
  /** A host's addresses by name, IPv4 (answered as A) and IPv6 (as AAAA) alike. */
  addresses: Map<string, string[]>;
  /** Questions asked, by name, in order. */
  asked: string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<LocalDnsServer> {
  const txt = new Map<string, string[][]>();
  const addresses = new Map<string, string[]>();
  const asked: string[] = [];
  const server = dns2.createUDPServer((request, send) => {
    const response = dns2.Packet.createResponseFromRequest(request) as ReturnType<typeof dns2.Packet.createResponseFromRequest> & {
      header: { rcode: number };
    };
    const [question] = request.questions;
    const name = (question?.name ?? '').toLowerCase().replace(/\.$/, '');
    asked.push(name);
    if (!txt.has(name) && !addresses.has(name)) response.header.rcode = NXDOMAIN;
    const answer = (record: Record<string, unknown>) =>
      (response.answers as unknown[]).push({ name, class: dns2.Packet.CLASS.IN, ttl: 0, ...record });
    const type = question?.type;
    // dns2 encodes an array as a record of several strings; its types say one string.
    if (type === dns2.Packet.TYPE.TXT) for (const strings of txt.get(name) ?? []) answer({ type, data: strings });
    for (const address of addresses.get(name) ?? []) {
      if (type === dns2.Packet.TYPE.A && isIPv4(address)) answer({ type, address });
      if (type === dns2.Packet.TYPE.AAAA && isIPv6(address)) answer({ type, address });
    }
    send(response);
  });
  await server.listen(0, '127.0.0.1');
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    txt,
    addresses,
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
