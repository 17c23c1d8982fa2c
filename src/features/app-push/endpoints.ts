// Which push endpoints the portal posts to: those of the push services it knows (or the ones the
// configuration names), over https. The address comes from the browser, so without this check a
// signed-in person could have the portal post to any address, inside the agency's network too.
import { createHash } from 'node:crypto';
import { browserAndSystem, type PortalConfig } from '../../core/index.ts';

export function endpointAllowed(config: Pick<PortalConfig['webPush'], 'endpointHosts' | 'allowHttpEndpoints'>, endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol !== 'https:' && !(config.allowHttpEndpoints && url.protocol === 'http:')) return false;
  const host = url.hostname.toLowerCase();
  // The port counts as much as the host: the push services listen on the scheme's own port, and
  // another port of an allowed host (or of a name under an allowed domain) is another service.
  const port = url.port || defaultPort(url.protocol);
  return config.endpointHosts.some((allowed) => {
    const entry = /^(?<name>[^:]+)(?::(?<port>\d+))?$/.exec(allowed.toLowerCase())?.groups;
    if (!entry?.name || port !== (entry.port ?? defaultPort(url.protocol))) return false;
    const { name } = entry;
    return name.startsWith('.') ? host.endsWith(name) && host.length > name.length : host === name;
  });
}

/** What URL leaves out of an address at the scheme's own port. */
function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** How a device's row is found: the endpoint is a capability, so it is looked up by its hash. */
export function endpointHash(endpoint: string): string {
  return createHash('sha256').update(endpoint).digest('hex');
}

/** Browser and system, from the user agent, for the person's own list of devices ("Firefox · Android"). */
export function deviceLabel(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const { browser, system } = browserAndSystem(userAgent);
  const label = [browser, system].filter(Boolean).join(' · ');
  return label ? label.slice(0, 60) : null;
}
