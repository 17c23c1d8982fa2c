// The staff forms that share a version carry one file (multipart). They are read here, before the
// CSRF check that finds `_csrf` among the same fields, with the limits of every other upload of the
// portal: at most ATTACHMENT_MAX_BYTES, a type read from the file's first bytes (never its name or
// the declared type), from the same list of allowed types. The file stays in memory (at most the
// cap, plus one byte to know it is over) until the share hands it to the host.
import type { RequestHandler } from 'express';
import { ATTACHMENT_MAX_BYTES, detectAllowedType, safeFilename, sentFilename, singleFileForm } from '../../core/index.ts';

const SHARED_FILE_FIELD = 'file';

/** The form's file once read: its safe name, the type its bytes are (null: none allowed), and whether it went past the cap. */
export interface SharedFile {
  name: string;
  /** The name as sent (sentFilename), for a host that names kept files its own way. */
  sentName: string;
  contentType: string | null;
  size: number;
  tooLarge: boolean;
  content: Buffer;
}

const ONE_FILE = 'Only one file can be shared with this form.';
const TOO_LARGE = 'The file is larger than 10 MB. Share a smaller file.';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
const withoutControls = (name: string) => name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

export function parseSharedFileForm(): RequestHandler {
  return singleFileForm<SharedFile>({
    field: SHARED_FILE_FIELD,
    // One byte past the cap is enough to know the file is too large.
    fileSize: ATTACHMENT_MAX_BYTES + 1,
    fields: 10,
    fieldSize: 16 * 1024,
    bodyBytes: ATTACHMENT_MAX_BYTES + 256 * 1024,
    messages: { oneFile: ONE_FILE, bodyTooLarge: TOO_LARGE },
    async read({ filename, content, truncated }) {
      const tooLarge = truncated || content.length > ATTACHMENT_MAX_BYTES;
      const type = tooLarge || content.length === 0 ? null : await detectAllowedType(content, filename, true).catch(() => null);
      return {
        name: type ? safeFilename(filename, type) : withoutControls(filename).slice(0, 255),
        sentName: type ? sentFilename(filename, type) : '',
        contentType: type?.mime ?? null,
        size: content.length,
        tooLarge,
        content: tooLarge ? Buffer.alloc(0) : content,
      };
    },
  });
}
