// The names a template reads from its data, so it can be compiled without `with`.
//
// ejs wraps a template in `with (locals) { … }` by default, and inside a `with` V8 looks every name
// up dynamically, on the data object and then on each scope: the layout rendered three times slower
// than the same template given its names as variables (`_with: false` and `destructuredLocals`,
// `let title = __locals.title, …`). This finds those names in the template's compiled source.
//
// A name is read from the data unless it is a property (`item.label`), a JavaScript word, ejs's
// own, a global (Math, JSON, encodeURIComponent: a variable of that name would hide it), or
// declared at the template's top level (`<% const rows = … %>`: a `let` of the same name beside it
// would not compile). A name declared only inside a block (`for (const item of items)`) is still
// taken from the data: the block's own declaration hides it there, as `with` did. A name taken
// that the data does not have is undefined, as a `typeof x !== 'undefined'` check expects.

const JS_WORDS = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof let new null of return static super switch this throw true try typeof undefined ' +
    'var void while with yield async get set arguments eval NaN Infinity'
  ).split(' '),
);

/** ejs's own names inside a compiled template. */
const EJS_NAMES = new Set([
  'locals',
  '__locals',
  '__output',
  '__append',
  'escapeFn',
  'include',
  'rethrow',
  '__line',
  '__lines',
  '__filename',
]);

const IDENTIFIER_START = /[A-Za-z_$]/;
const IDENTIFIER_PART = /[\w$]/;

interface Token {
  name: string;
  /** The property of something (after a single `.` or `?.`), not a name of its own. */
  property: boolean;
  /** Braces and brackets open around it in the function body. */
  depth: number;
  /** The depth of the declaration it names (`const rows`, `let [a, b]`), or null when it declares nothing. */
  declaredAt: number | null;
}

/** A `/` begins a regular expression after these (or at the start), and divides after anything else. */
const REGEX_AFTER = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);

/** The identifiers of some JavaScript, outside strings, comments and regular expressions. */
function identifiers(code: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let last = ''; // the last significant character outside strings and comments
  let word: string | null = null; // the last identifier, when nothing but spaces came after it
  // A `const` / `let` / `class` just read (its depth), and the destructuring pattern being read (the depth it opened at).
  let declaring: number | null = null;
  let pattern: number | null = null;
  // Template literals being read, each with the depth its `${` opened at.
  const templates: number[] = [];
  let i = 0;
  const skipString = (quote: string) => {
    i++;
    while (i < code.length && code[i] !== quote) i += code[i] === '\\' ? 2 : 1;
    i++;
  };
  /** Reads template literal text up to its end or the next `${`. */
  const readTemplateText = () => {
    while (i < code.length) {
      if (code[i] === '\\') i += 2;
      else if (code[i] === '`') {
        i++;
        templates.pop();
        return;
      } else if (code[i] === '$' && code[i + 1] === '{') {
        i += 2;
        depth++;
        return;
      } else i++;
    }
  };
  while (i < code.length) {
    const c = code[i]!;
    if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end < 0 ? code.length : end + 2;
    } else if (c === '"' || c === "'") {
      skipString(c);
      last = c;
      word = null;
    } else if (c === '`') {
      i++;
      templates.push(depth);
      readTemplateText();
      last = '`';
      word = null;
    } else if (c === '/' && REGEX_AFTER.has(last) && word === null) {
      // A regular expression: to its closing slash (not one inside a [class]), then its flags.
      i++;
      let inClass = false;
      while (i < code.length && (inClass || code[i] !== '/')) {
        if (code[i] === '\\') i++;
        else if (code[i] === '[') inClass = true;
        else if (code[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (i < code.length && IDENTIFIER_PART.test(code[i]!)) i++;
      last = '/';
    } else if (IDENTIFIER_START.test(c)) {
      const start = i;
      while (i < code.length && IDENTIFIER_PART.test(code[i]!)) i++;
      const name = code.slice(start, i);
      let before = start - 1;
      while (before >= 0 && /\s/.test(code[before]!)) before--;
      const property = code[before] === '.' && code[before - 1] !== '.';
      const declaredAt = declaring ?? (pattern !== null && !property ? pattern : null);
      tokens.push({ name, property, depth, declaredAt });
      declaring = name === 'const' || name === 'let' || name === 'class' ? depth : null;
      word = name;
      last = 'a';
    } else if (/\s/.test(c)) {
      i++;
    } else {
      if ((c === '{' || c === '[') && declaring !== null && pattern === null) pattern = depth;
      declaring = null;
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') {
        depth--;
        if (pattern === depth) pattern = null;
        if (c === '}' && templates.length > 0 && templates[templates.length - 1] === depth) {
          // The end of a `${…}`: back in the template literal's text.
          i++;
          readTemplateText();
          last = '`';
          word = null;
          continue;
        }
      }
      last = c;
      word = null;
      i++;
    }
  }
  return tokens;
}

/** The names the template whose compiled source (compiled with `_with: false`) this is reads from its data. */
export function templateLocals(source: string): string[] {
  // Without ejs's own helper (`function __append(s) { … }`), whose parameter is no name of the data.
  const tokens = identifiers(source.replace(/function __append\(s\)[^\n]*\n/, ''));
  const declaredAtTop = new Set(tokens.filter((t) => t.declaredAt === 0).map((t) => t.name));
  const names = new Set<string>();
  for (const token of tokens) {
    const { name } = token;
    if (token.property || JS_WORDS.has(name) || EJS_NAMES.has(name) || declaredAtTop.has(name) || name in globalThis) continue;
    names.add(name);
  }
  return [...names].sort();
}
