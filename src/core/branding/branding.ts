// The portal's look for one workspace: title, logo and colours, from the admin's overrides or else
// the host workspace. Colours are checked for contrast so a pale brand colour never makes
// unreadable buttons or links (WCAG AA, 4.5:1).
import type { HostWorkspace } from '../ports/host.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';

export interface Branding {
  /** The admin's own title for the portal; null for the default, which the layout words in the reader's language. */
  title: string | null;
  workspaceName: string;
  initials: string;
  logoUrl: string | null;
  /** Button and header background. */
  primary: string;
  /** Text on the primary colour. */
  onPrimary: string;
  /** The brand colour darkened until it reads on white, for links and focus rings. */
  accent: string;
}

const FALLBACK_COLOR = '#2f5bd3';

function channels(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function darken(hex: string, factor: number): string {
  return `#${channels(hex)
    .map((c) =>
      Math.round(c * factor)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** The colour itself when it reads on white at 4.5:1, else the nearest darker shade that does. */
function readableOnWhite(hex: string): string {
  let color = hex;
  for (let step = 0; step < 40 && contrastRatio(color, '#ffffff') < 4.5; step++) color = darken(color, 0.92);
  return color;
}

function textOn(hex: string): string {
  return contrastRatio(hex, '#ffffff') >= 4.5 ? '#ffffff' : '#111111';
}

const VALID_HEX = /^#[0-9a-f]{6}$/i;

export function buildBranding(workspace: HostWorkspace, settings: PortalSettings, uploadedLogoUrl: string | null): Branding {
  const requested = settings.primaryColor ?? workspace.brandColor ?? FALLBACK_COLOR;
  const base = VALID_HEX.test(requested) ? requested.toLowerCase() : FALLBACK_COLOR;
  // A mid-tone that fails with both white and black text is darkened until white text reads.
  const primary = contrastRatio(base, '#ffffff') >= 4.5 || contrastRatio(base, '#111111') >= 4.5 ? base : readableOnWhite(base);
  const title = settings.portalTitle?.trim() || null;
  return {
    title,
    workspaceName: workspace.name,
    initials: workspace.name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]!.toUpperCase())
      .join(''),
    logoUrl: uploadedLogoUrl ?? workspace.logoUrl,
    primary,
    onPrimary: textOn(primary),
    accent: readableOnWhite(base),
  };
}

/** The per-workspace stylesheet: CSS variables only, so the CSP can forbid inline styles. */
export function brandingStylesheet(branding: Branding): string {
  return `:root{--brand:${branding.primary};--on-brand:${branding.onPrimary};--accent:${branding.accent};}\n`;
}
