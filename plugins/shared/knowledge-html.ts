// An article's body kept as editor HTML (Dolibarr's CKEditor, EspoCRM's wysiwyg field, a binding
// file's `format: html`) as the portal's text blocks: headings, paragraphs, list items (bullets or
// steps by their list), quotes and code by their tags, line breaks kept as spaces; scripts,
// styles and every other tag dropped, entities decoded. Only text leaves, so nothing of the markup
// can reach a page.
import type { KnowledgeBlock } from '../../src/index.ts';

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const point = code[1] === 'x' || code[1] === 'X' ? Number.parseInt(code.slice(2), 16) : Number.parseInt(code.slice(1), 10);
      return Number.isInteger(point) && point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : ' ';
    }
    return NAMED[code.toLowerCase()] ?? whole;
  });
}

const BLOCK_KIND: Record<string, KnowledgeBlock['kind']> = {
  h1: 'heading',
  h2: 'heading',
  h3: 'heading',
  h4: 'heading',
  h5: 'heading',
  h6: 'heading',
  blockquote: 'quote',
  pre: 'code',
};
/** Tags that end the text before them as a block of its own. */
const BREAKS = new Set(['p', 'div', 'li', 'ul', 'ol', 'table', 'tr', 'section', 'article', 'hr', ...Object.keys(BLOCK_KIND)]);

export function htmlBlocks(html: string | null): KnowledgeBlock[] {
  const blocks: KnowledgeBlock[] = [];
  const lists: Array<'bullet' | 'numbered'> = [];
  let kind: KnowledgeBlock['kind'] = 'paragraph';
  let text = '';
  const flush = () => {
    const clean = kind === 'code' ? decodeEntities(text).trim() : decodeEntities(text).replace(/\s+/g, ' ').trim();
    if (clean) blocks.push({ kind, text: clean });
    text = '';
  };
  // Scripts, styles and comments are not text.
  const source = (html ?? '').replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<!--[\s\S]*?-->/g, ' ');
  const tag = /<\/?([a-z][a-z0-9]*)\b[^>]*>/gi;
  let at = 0;
  for (let match = tag.exec(source); match; match = tag.exec(source)) {
    text += source.slice(at, match.index);
    at = tag.lastIndex;
    const name = match[1]!.toLowerCase();
    const closing = match[0][1] === '/';
    if (name === 'br') {
      text += kind === 'code' ? '\n' : ' ';
      continue;
    }
    if (!BREAKS.has(name)) continue;
    flush();
    if (name === 'ul' || name === 'ol') {
      if (closing) lists.pop();
      else lists.push(name === 'ul' ? 'bullet' : 'numbered');
      kind = 'paragraph';
    } else if (name === 'li') kind = closing ? 'paragraph' : (lists[lists.length - 1] ?? 'bullet');
    else kind = closing ? 'paragraph' : (BLOCK_KIND[name] ?? 'paragraph');
  }
  text += source.slice(at).replace(/<[^>]*$/, '');
  flush();
  return blocks;
}
