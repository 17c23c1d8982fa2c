// Where to go after signing in. Only a path inside this workspace's portal is followed; anything
// else (another host, `//evil`, backslashes, another workspace) falls back to the dashboard.

export function safeNext(base: string, next: string | undefined): string {
  const home = `${base}/`;
  if (!next) return home;
  if (!next.startsWith(`${base}/`)) return home;
  if (/[\\\u0000-\u001f]/.test(next) || next.includes('//')) return home;
  try {
    const resolved = new URL(next, 'http://portal.invalid');
    if (resolved.host !== 'portal.invalid' || !resolved.pathname.startsWith(`${base}/`)) return home;
    return `${resolved.pathname}${resolved.search}`;
  } catch {
    return home;
  }
}
