// An article's body as the portal's text blocks (KnowledgeBlock), from what each host keeps:
// markdown (the reference CRM) here, BlockNote JSON and editor HTML in their own bindings. Only
// text leaves: markup is read for its structure and dropped, so a page escapes plain words.
import type { KnowledgeBlock } from '../../src/index.ts';

/** Inline markdown as its words: emphasis and code marks dropped, a link as its text. */
function inlineText(text: string): string {
  return (
    text
      // An address may hold one level of parentheses of its own (a Wikipedia link).
      .replace(/!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, '$1')
      .replace(/(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1/g, '$2')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Markdown's block structure: headings, paragraphs (joined lines), list items, quotes and fenced code. */
export function markdownBlocks(markdown: string): KnowledgeBlock[] {
  const blocks: KnowledgeBlock[] = [];
  let paragraph: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    const text = inlineText(paragraph.join(' '));
    if (text) blocks.push({ kind: 'paragraph', text });
    paragraph = [];
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (code) {
      if (/^\s*```/.test(line)) {
        blocks.push({ kind: 'code', text: code.join('\n') });
        code = null;
      } else code.push(line);
      continue;
    }
    if (/^\s*```/.test(line)) {
      flush();
      code = [];
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const quote = /^\s*>\s?(.*)$/.exec(line);
    const block: KnowledgeBlock | null = heading
      ? { kind: 'heading', text: inlineText(heading[1]!.replace(/\s#+\s*$/, '')) }
      : bullet
        ? { kind: 'bullet', text: inlineText(bullet[1]!) }
        : numbered
          ? { kind: 'numbered', text: inlineText(numbered[1]!) }
          : quote
            ? { kind: 'quote', text: inlineText(quote[1]!) }
            : null;
    if (block) {
      flush();
      if (block.text) blocks.push(block);
    } else if (line.trim()) paragraph.push(line);
    else flush();
  }
  if (code) blocks.push({ kind: 'code', text: code.join('\n') });
  flush();
  return blocks;
}

/** A block's text ends a sentence or leads into the next: the next one follows after a space. */
const ENDS_A_SENTENCE = /[.!?:;…]["'”’)]*$/u;

/**
 * The opening words of a body's blocks, about `max` characters, cut at a word. Blocks stay apart:
 * list items and headings-less paragraphs with no closing stop ("Open Settings", "Choose Billing")
 * are joined with " · ", so an excerpt does not read "Open Settings Choose Billing".
 */
export function excerptOf(blocks: readonly KnowledgeBlock[], max = 200): string {
  const text = blocks
    .filter((block) => block.kind !== 'heading')
    .map((block) => block.text.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .reduce((joined, block) => (!joined ? block : ENDS_A_SENTENCE.test(joined) ? `${joined} ${block}` : `${joined} · ${block}`), '');
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:·]+$/, '')}…`;
}

/** The name of a category in the first of the reader's languages it has, else any. */
export function nameIn(names: Record<string, string>, languages: readonly string[]): string {
  for (const language of languages) {
    const name = names[language];
    if (typeof name === 'string' && name.trim()) return name;
  }
  return Object.values(names).find((name) => typeof name === 'string' && name.trim()) ?? '';
}
