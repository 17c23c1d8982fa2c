// The one name the portal keeps a client's or staff's file under in Dolibarr's documents, on every
// path that writes one there (a ticket's files, a request's files on its proposal or ticket, an
// approval's versions): the name Dolibarr itself gives the same upload, from its public ticket
// page or a record's "Linked files" tab (dol_add_file_process and dol_move_uploaded_file in
// htdocs/core/lib/files.lib.php):
// - a name that starts with a dot is refused (ErrorFilenameCantStartWithDot), and so is one whose
//   extension the agency's upload restriction lists (MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION, by
//   default every extension a web server might run: ErrorFilenameExtensionNotAllowed);
// - the extension (after the last dot, as pathinfo() reads it) is lower-cased, ASCII only, as
//   strtolower();
// - dol_sanitizeFileName (functions.lib.php): accents dropped as dol_string_unaccent drops them,
//   < > / \ ? * | " : ° $ ; ` as '_', a run of dashes as '_', a dash that opens a word after a
//   space as '_', a trailing " -" dropped, '..' removed;
// - dol_string_nohtmltag's spacing: line breaks as spaces, double spaces as one, trimmed;
// - a name a web server might run (getExecutableContent: .php, .html, .sh, …) that the restriction
//   lets through gets '.noexe' appended (dol_move_uploaded_file), unless the agency declared its
//   documents outside the web root (MAIN_DOCUMENT_IS_OUTSIDE_WEBROOT_SO_NOEXE_NOT_REQUIRED).
// Where the portal differs, on purpose: control characters, which Dolibarr keeps, become '_' (the
// name is a file's on disk); and a name longer than a file name may be (255 bytes on ext4, and
// llx_ecm_files.filename's varchar(255)) is cut, the part before the extension, where Dolibarr's
// move fails and its page says "File was not uploaded". (dol_string_nohtmltag's entity decoding
// never applies: every ';' is '_' by then.)
import { HttpError } from '../../src/index.ts';

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

/** PHP's \s without the u flag, and trim()'s characters: ASCII only (a non-Latin space is a letter to PHP). */
const SPACE = '[ \\t\\n\\r\\v\\f]';
// biome-ignore lint/suspicious/noControlCharactersInRegex: PHP trim()'s list includes NUL and VT
const PHP_TRIM = /^[ \t\n\r\0\u000b]+|[ \t\n\r\0\u000b]+$/g;

/**
 * dol_sanitizeFileName($str, $newstr) with its other defaults (unaccent on, quotes kept): '_' in
 * place of each forbidden character for a file name, '' for a VAT number (Societe::update).
 */
export function dolSanitizeFileName(name: string, replacement = '_'): string {
  return [...name]
    .map((char) => UNACCENT[char] ?? char)
    .join('')
    .replace(COMBINING, '')
    .replace(/[<>/\\?*|":°$;`]/g, replacement)
    .replace(/--+/g, '_')
    .replace(new RegExp(`${SPACE}+-([^ \\t\\n\\r\\v\\f])`, 'g'), ' _$1')
    .replace(new RegExp(`${SPACE}+-$`), '')
    .replaceAll('..', '');
}

/** dol_string_nohtmltag's spacing: line breaks as spaces, "  " as " " (while one is past the start, as its strpos loop), trimmed. */
function nohtmltagSpacing(name: string): string {
  let spaced = name.replace(/\r\n|\r|\n/g, ' ');
  while (spaced.indexOf('  ') > 0) spaced = spaced.replaceAll('  ', ' ');
  return spaced.replace(PHP_TRIM, '');
}

/** getExecutableContent(): the extensions Dolibarr refuses by default, and renames with '.noexe' when let through. */
const EXECUTABLE_EXTENSIONS: readonly string[] = [
  'htm',
  'html',
  'shtml',
  'js',
  'phar',
  'php',
  'php3',
  'php4',
  'php5',
  'phtml',
  'pht',
  'pl',
  'py',
  'cgi',
  'ksh',
  'sh',
  'shtml',
  'bash',
  'bat',
  'cmd',
  'wpk',
  'exe',
  'dmg',
  'appimage',
];
const NOEXE = '.noexe';

/** preg_match('/\.'.preg_quote($extension).'$/i', $name): whether `name` ends in one of `extensions`. */
const endsInOneOf = (name: string, extensions: readonly string[]) =>
  extensions.some((extension) => name.toLowerCase().endsWith(`.${extension.toLowerCase()}`));

/** Bytes a name may take: ext4's 255, and llx_ecm_files.filename's varchar(255). */
export const MAX_NAME_BYTES = 255;

/** Cuts `text` to at most `bytes` bytes of UTF-8, whole characters only. */
export function cutToBytes(text: string, bytes: number): string {
  let cut = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    cut += char;
    used += size;
  }
  return cut;
}

/**
 * A file name as PHP hands it to Dolibarr ($_FILES[...]['name']): browsers write a double quote, a
 * line feed and a carriage return in it as %22, %0A and %0D, which PHP does not decode (the
 * portal's multipart reader does: typedMultipartName), so Dolibarr keeps "%22" where the client
 * typed '"'. For a name that came from a browser's form, before uploadedFileName.
 */
export function asPhpReceivesIt(sentName: string): string {
  return sentName.replaceAll('"', '%22').replaceAll('\n', '%0A').replaceAll('\r', '%0D');
}

/**
 * A name Dolibarr refuses to keep: whoever sent it is told, with a 400, never a 500, in their
 * language (the messages are common:errors.messages fileNameLeadingDot and fileTypeRefused).
 */
export class RefusedFileName extends HttpError {
  constructor(
    readonly fileName: string,
    readonly reason: 'leading_dot' | 'extension',
  ) {
    super(
      400,
      reason === 'leading_dot'
        ? 'A file name cannot start with a dot. Rename the file and send it again.'
        : 'Files of this type cannot be kept. Send it in another format.',
    );
  }
}

/** The agency's Setup > Security > Files upload settings (queries/constants.ts uploadNameRules); Dolibarr's defaults when absent. */
export interface NameRules {
  /** MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION: the extensions refused outright (default: getExecutableContent()). */
  refusedExtensions?: readonly string[];
  /** MAIN_DOCUMENT_IS_OUTSIDE_WEBROOT_SO_NOEXE_NOT_REQUIRED set: no '.noexe' (Dolibarr's default adds it). */
  noexeNotRequired?: boolean;
}

/**
 * The name Dolibarr keeps an upload sent as `name` under (see the head of this file); throws
 * RefusedFileName for a name that starts with a dot or ends in a refused extension. Never empty,
 * never over 255 bytes.
 */
export function uploadedFileName(name: string, rules: NameRules = {}): string {
  const sent = name.replace(PHP_TRIM, '');
  if (sent.startsWith('.')) throw new RefusedFileName(sent, 'leading_dot');
  // pathinfo(): the extension is what follows the last dot; strtolower() lowers ASCII only.
  const dot = sent.lastIndexOf('.');
  const lowered =
    dot < 0 ? sent : `${sent.slice(0, dot)}${dot < sent.length - 1 ? sent.slice(dot).replace(/[A-Z]+/g, (s) => s.toLowerCase()) : ''}`;
  const clean =
    nohtmltagSpacing(dolSanitizeFileName(lowered))
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
      .replace(/[\u0000-\u001f\u007f]/g, '_') || 'file';
  if (endsInOneOf(clean, rules.refusedExtensions ?? EXECUTABLE_EXTENSIONS)) throw new RefusedFileName(sent, 'extension');
  const noexe = !rules.noexeNotRequired && endsInOneOf(clean, EXECUTABLE_EXTENSIONS) ? NOEXE : '';
  const room = MAX_NAME_BYTES - Buffer.byteLength(noexe);
  return `${fitName(clean, room)}${noexe}`;
}

/**
 * `name` in at most `bytes` bytes: the part before its extension cut (an extension of more than
 * 32 characters is no extension), the extension kept.
 */
function fitName(name: string, bytes: number): string {
  if (Buffer.byteLength(name) <= bytes) return name;
  const dot = name.lastIndexOf('.');
  const suffix = dot > 0 && name.length - dot <= 32 ? name.slice(dot) : '';
  const stem = cutToBytes(suffix ? name.slice(0, dot) : name, bytes - Buffer.byteLength(suffix)).replace(PHP_TRIM, '');
  return `${stem || 'file'}${suffix}`;
}
