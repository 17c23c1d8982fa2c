// The browser and system a user agent names, enough for a person to recognise a device (a session,
// a push device) and not a fingerprint: the family names only, no versions.

/** The browser family and operating system a user agent names; null for what it does not. */
export function browserAndSystem(userAgent: string): { browser: string | null; system: string | null } {
  // Edge and Chrome say "Safari" too, and Edge says "Chrome": the more specific name is tried first.
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  // An iPhone says "like Mac OS X" and Android says "Linux": those are tried before them.
  const system = /Windows/.test(userAgent)
    ? 'Windows'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  return { browser, system };
}
