// The name Dolibarr gives a file uploaded on a record's "Linked files" tab (dol_add_file_process in
// htdocs/core/lib/files.lib.php): the extension lower-cased, the name cleaned by
// dol_sanitizeFileName (functions.lib.php: accents dropped as dol_string_unaccent drops them, the
// characters a file system or a shell trips on as '_', a run of dashes as '_', a dash that opens a
// word after a space as '_', a trailing " -" dropped, '..' removed) and then by dol_string_nohtmltag
// (line breaks as spaces, runs of spaces as one, trimmed). Control characters, which Dolibarr
// leaves, become '_' here too: the name is a file's on disk.

/** dol_string_unaccent's table (precomposed letters of Latin-1, Š/š, Ÿ), and the combining marks it removes. */
const UNACCENT: Record<string, string> = {};
for (const [letters, plain] of [
  ['ÀÁÂÃÄÅ', 'A'],
  ['Ç', 'C'],
  ['ÈÉÊË', 'E'],
  ['ÌÍÎÏ', 'I'],
  ['Ñ', 'N'],
  ['ÒÓÔÕÖ', 'O'],
  ['Š', 'S'],
  ['ÙÚÛÜ', 'U'],
  ['Ý', 'Y'],
  ['Ÿ', 'y'],
  ['àáâãäå', 'a'],
  ['ç', 'c'],
  ['èéêë', 'e'],
  ['ìíîï', 'i'],
  ['ñ', 'n'],
  ['òóôõö', 'o'],
  ['š', 's'],
  ['ùúûü', 'u'],
  ['ýÿ', 'y'],
] as const)
  for (const letter of letters) UNACCENT[letter] = plain;
const COMBINING = /[\u0300-\u0311\u0327]/g;

/** dol_sanitizeFileName($str) with its defaults ('_', unaccent on, quotes kept). */
function dolSanitizeFileName(name: string): string {
  return [...name]
    .map((char) => UNACCENT[char] ?? char)
    .join('')
    .replace(COMBINING, '')
    .replace(/[<>/\\?*|":°$;`]/g, '_')
    .replace(/--+/g, '_')
    .replace(/\s+-([^\s])/g, ' _$1')
    .replace(/\s+-$/, '')
    .replaceAll('..', '');
}

/** Bytes a name may take: ext4's 255, and llx_ecm_files.filename's varchar(255). */
const MAX_BYTES = 255;

/** Cuts `text` to at most `bytes` bytes of UTF-8, whole characters only. */
function cutToBytes(text: string, bytes: number): string {
  let cut = '';
  for (const char of text) {
    if (Buffer.byteLength(cut + char) > bytes) break;
    cut += char;
  }
  return cut;
}

/**
 * The name dol_add_file_process keeps an upload under: the extension lower-cased, then
 * dol_sanitizeFileName and dol_string_nohtmltag's spacing. Longer than a file name may be, the
 * part before the extension is cut. Never empty and never starting with a dot (Dolibarr refuses
 * such a name: ErrorFilenameCantStartWithDot).
 */
export function uploadedFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const lowered = dot > 0 ? `${name.slice(0, dot)}.${name.slice(dot + 1).toLowerCase()}` : name;
  const clean = dolSanitizeFileName(lowered)
    .replace(/\s+/g, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
    .replace(/[\u0000-\u001f\u007f]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  const cleanDot = clean.lastIndexOf('.');
  const suffix = cleanDot > 0 && clean.length - cleanDot <= 32 ? clean.slice(cleanDot) : '';
  const stem = cutToBytes(suffix ? clean.slice(0, cleanDot) : clean, MAX_BYTES - Buffer.byteLength(suffix)).trim();
  return `${stem || 'file'}${suffix}`;
}
