// Text nobody types: C0 control characters other than tab, line feed and carriage return (which a
// textarea sends). Found anywhere in parsed input, so every edge refuses it the same way: the
// validation layer for forms and queries (validate.ts), the payment callbacks for providers' JSON.
// NUL is refused by PostgreSQL in every text column (a 500 if it got that far); the others are
// accepted there but nobody types them: they arrive from pasted binary or crafted requests, and
// break what is made from the text later (PDFs, email headers, CSV and XML exports, log lines).
// DEL and the C1 range are left alone: they are rarer still, and harmless to all of those.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** An uploaded file as a multipart parser leaves it in the body: its name is cleaned where it is stored, not refused. */
const isUploadedFile = (value: object) => Buffer.isBuffer((value as { buffer?: unknown }).buffer);

/**
 * The fields (as paths like 'items.2.name') whose text holds a control character, anywhere in a
 * parsed body or query: strings, arrays and objects at any depth; at most `limit` are named.
 */
export function controlCharacterFields(value: unknown, limit = 20): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (found.length >= limit) return;
    if (typeof node === 'string') {
      if (CONTROL_CHARACTER.test(node)) found.push(path || 'form');
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, path ? `${path}.${index}` : String(index));
    } else if (node !== null && typeof node === 'object' && !Buffer.isBuffer(node) && !isUploadedFile(node)) {
      for (const [key, item] of Object.entries(node)) {
        // A field's name is text from the request too (it is shown back in error messages).
        if (CONTROL_CHARACTER.test(key)) found.push(path || 'form');
        else walk(item, path ? `${path}.${key}` : key);
      }
    }
  };
  walk(value, '');
  return found;
}
