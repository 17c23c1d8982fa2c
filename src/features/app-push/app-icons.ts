// The home-screen icons of a workspace's installed portal: a monogram (the workspace's initials) in
// the text colour on its brand colour, as a PNG of 192 or 512 px. Drawn from a 5×7 pixel font and
// written by the core's small PNG encoder, so no image library is needed; a logo is not used, as
// turning an uploaded PNG, JPEG or SVG of any shape into a square icon would need one.
import { encodeRgbPng } from '../../core/index.ts';

export const ICON_SIZES = [192, 512] as const;

/**
 * Each icon the portal draws, by the name in its address: the manifest's two sizes for each purpose
 * (an `any` icon is shown whole, so its letters may fill more of it; a `maskable` one is cut to the
 * phone's shape, so they keep to the middle 60 %, the zone no mask cuts), and the 180 px icon iOS
 * puts on a home screen (`apple-touch-icon`: square and opaque, its corners rounded by iOS).
 */
export const APP_ICONS = {
  '192': { size: 192, letters: 0.72 },
  '512': { size: 512, letters: 0.72 },
  'maskable-192': { size: 192, letters: 0.6 },
  'maskable-512': { size: 512, letters: 0.6 },
  'apple-touch-180': { size: 180, letters: 0.72 },
} as const;
export type AppIconName = keyof typeof APP_ICONS;

export function isAppIconName(name: string): name is AppIconName {
  return Object.hasOwn(APP_ICONS, name);
}

// Each glyph: 7 rows of 5 bits, the top row first, the leftmost pixel the highest bit.
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
};

/** The initials the font can draw (accents dropped: "Ü" draws as "U"); others are left out. */
function drawableInitials(initials: string): string {
  return initials
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split('')
    .filter((char) => GLYPHS[char] !== undefined)
    .slice(0, 2)
    .join('');
}

function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** The monogram icon of that name: the letters centred, within the share of the square it allows. */
export function monogramIcon(name: AppIconName, input: { initials: string; background: string; foreground: string }): Buffer {
  const { size, letters: share } = APP_ICONS[name];
  const letters = drawableInitials(input.initials).split('');
  const background = rgb(input.background);
  const foreground = rgb(input.foreground);
  // Each letter 5 cells wide with one cell between letters; the cell size fits the safe zone.
  const columns = letters.length === 0 ? 0 : letters.length * 6 - 1;
  const cell = columns === 0 ? 0 : Math.floor(Math.min((size * share) / columns, (size * share) / 7));
  const left = Math.floor((size - columns * cell) / 2);
  const top = Math.floor((size - 7 * cell) / 2);
  return encodeRgbPng(size, size, (x, y) => {
    if (cell === 0) return background;
    const column = Math.floor((x - left) / cell);
    const row = Math.floor((y - top) / cell);
    if (x < left || y < top || column >= columns || row >= 7) return background;
    const letter = letters[Math.floor(column / 6)];
    const bit = column % 6;
    if (letter === undefined || bit === 5) return background;
    return (GLYPHS[letter]![row]! >> (4 - bit)) & 1 ? foreground : background;
  });
}
