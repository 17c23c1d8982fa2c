// How the bindings stream a host's file to a download: read in 256 KiB chunks rather than Node's
// 64 KiB default, so a large PDF or image takes a quarter of the reads on its way to the client.
import { createReadStream, type ReadStream } from 'node:fs';
import type { DocumentContent, SharedDocument } from '../../src/index.ts';

/** The file at this path, as a download's content. */
export function fileStream(path: string): ReadStream {
  return createReadStream(path, { highWaterMark: 256 * 1024 });
}

/** A shared document opened for download: its name, type and record as its list shows them, the file streamed. */
export function documentContent(
  doc: Pick<SharedDocument, 'name' | 'contentType' | 'record'>,
  path: string,
  sizeBytes: number,
): DocumentContent {
  return {
    name: doc.name,
    contentType: doc.contentType,
    sizeBytes,
    content: fileStream(path),
    record: doc.record,
  };
}
