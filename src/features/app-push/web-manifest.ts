// The web app manifest of a workspace's portal: what a phone or desktop shows once the portal is
// installed from the browser. Its name and colours are the workspace's branding, its icons the
// monogram (app-icons.ts), and it opens and stays inside the workspace's portal.
import type { Branding } from '../../core/index.ts';
import { ICON_SIZES } from './app-icons.ts';

export function webAppManifest(input: { base: string; branding: Branding; name: string; lang: string; iconVersion: string }) {
  const { base, branding } = input;
  return {
    id: `${base}/`,
    name: input.name,
    short_name: shortName(branding.workspaceName),
    lang: input.lang,
    start_url: `${base}/`,
    scope: `${base}/`,
    display: 'standalone',
    theme_color: branding.primary,
    background_color: '#ffffff',
    // One icon per purpose: a browser that reads both words on one icon would crop an `any` icon or
    // shrink a `maskable` one.
    icons: (['any', 'maskable'] as const).flatMap((purpose) =>
      ICON_SIZES.map((size) => ({
        src: `${base}/app-icons/${purpose === 'any' ? '' : 'maskable-'}${size}.png?v=${input.iconVersion}`,
        sizes: `${size}x${size}`,
        type: 'image/png',
        purpose,
      })),
    ),
  };
}

/** The name under the icon on a home screen, where about 12 characters fit. */
function shortName(name: string): string {
  const trimmed = name.trim();
  return [...trimmed].length <= 12 ? trimmed : `${[...trimmed].slice(0, 11).join('')}…`;
}
