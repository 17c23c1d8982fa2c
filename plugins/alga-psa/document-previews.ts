// The thumbnail and preview Alga PSA makes of each image and PDF document when it is uploaded
// (packages/documents src/lib/documentPreviewGenerator.ts, called by uploadDocument once its
// transaction has committed), made the same way for the files a client attaches to a ticket in
// the portal, so Alga's ticket pages show them instead of waiting for one.
//
// Alga's sizes and rules: the thumbnail is 200x200 covered (cropped), JPEG quality 80; the preview
// fits inside 800x600 without enlarging, quality 85. An image gets a preview only when it is larger
// than 800x600, else its own file is its preview, as it is when its preview cannot be made; a PDF's
// first page is drawn at 150 dpi and brought to exactly 1200x1600 first (pdf2pic's default forced
// size), then treated the same, except that a failed preview is none. Each made image is stored as
// Alga's StorageService.uploadFile stores one: bytes at a generateStoragePath path, an
// external_files row named '<document id>_thumbnail.jpg' / '_preview.jpg', 'image/jpeg'
// (queries/document-previews.ts). A file that cannot be read (a broken PDF, an image sharp cannot
// decode) gets nothing and its document stays as it is, as Alga leaves it.
//
// Made after the ticket's transaction commits, out of the client's request: drawing a PDF costs
// a second or more of CPU, which the client should not wait for, and a failure must never undo the
// upload. One document at a time on this instance, so two cores shared with the requests are never
// both taken by it; the PDF is drawn in a worker thread (pdf-first-page.ts).
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import sharp from 'sharp';
import { inBackground } from '../../src/index.ts';
import { filesOfATransaction } from '../shared/files-of-a-transaction.ts';
import { lockDocumentWithFile, recordDocumentPreviews } from './queries/document-previews.ts';
import { pdfFirstPage } from './pdf-first-page.ts';
import { fileUnder } from './shared-files.ts';
import { storeClientFile } from './alga-storage.ts';

const THUMBNAIL = { width: 200, height: 200, quality: 80 };
const PREVIEW = { width: 800, height: 600, quality: 85 };
const PDF_PAGE = { width: 1200, height: 1600, dpi: 150 };
const PDF_LIMITS = { dpi: PDF_PAGE.dpi, maxSide: 5000, timeoutMs: 60_000, memoryMb: 512 };

/** A document just filed, whose previews are to be made. */
export interface DocumentToPreview {
  tenant: string;
  documentId: string;
  /** Its own external_files row, the preview of a small image. */
  fileId: string;
  /** The uploader: Alga stores the made files as uploaded by the document's created_by. */
  createdBy: string;
  mimeType: string;
  storagePath: string;
}

/** What was made: the JPEG bytes, or, for the preview, the document's own file. */
interface MadeImages {
  thumbnail: Buffer | null;
  preview: Buffer | 'own file' | null;
}

const thumbnailOf = (image: Buffer) =>
  sharp(image)
    .resize(THUMBNAIL.width, THUMBNAIL.height, { fit: 'cover', withoutEnlargement: false })
    .jpeg({ quality: THUMBNAIL.quality })
    .toBuffer();
const previewOf = (image: Buffer) =>
  sharp(image)
    .resize(PREVIEW.width, PREVIEW.height, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: PREVIEW.quality })
    .toBuffer();
const orNull = <T>(made: Promise<T>) => made.catch(() => null);

async function imagePreviews(bytes: Buffer): Promise<MadeImages> {
  // Unreadable → rejects, and the document gets nothing.
  const { width, height } = await sharp(bytes).metadata();
  const larger = width > PREVIEW.width || height > PREVIEW.height;
  return {
    thumbnail: await orNull(thumbnailOf(bytes)),
    preview: larger ? ((await orNull(previewOf(bytes))) ?? 'own file') : 'own file',
  };
}

async function pdfPreviews(bytes: Buffer): Promise<MadeImages> {
  const page = await pdfFirstPage(bytes, PDF_LIMITS);
  const drawn = await sharp(page).resize(PDF_PAGE.width, PDF_PAGE.height, { fit: 'fill' }).png().toBuffer();
  return { thumbnail: await orNull(thumbnailOf(drawn)), preview: await orNull(previewOf(drawn)) };
}

/** The images Alga makes of a file of this type; null for a type it makes none of (or video, which needs ffmpeg). */
function makePreviews(bytes: Buffer, mimeType: string): Promise<MadeImages> | null {
  const type = mimeType.toLowerCase();
  if (type.startsWith('image/')) return imagePreviews(bytes);
  if (type === 'application/pdf') return pdfPreviews(bytes);
  return null;
}

export interface DocumentPreviews {
  /** Makes the documents' previews once `trx` commits; nothing if it does not. */
  afterCommit(trx: Knex.Transaction, documents: DocumentToPreview[]): void;
  /** Resolves once every preview asked for so far is made or given up. */
  idle(): Promise<void>;
}

export function documentPreviews(
  db: Knex,
  options: { storageRoot: string; onError?: (message: string, err: unknown) => void },
): DocumentPreviews {
  let queue: Promise<void> = Promise.resolve();
  const report = options.onError ?? (() => {});

  async function previewOne(document: DocumentToPreview): Promise<void> {
    const source = fileUnder(options.storageRoot, document.storagePath);
    const bytes = source ? await readFile(source) : null;
    const made = bytes ? await makePreviews(bytes, document.mimeType)?.catch(() => null) : null;
    if (!made || (!made.thumbnail && !made.preview)) return;
    await db.transaction(async (trx) => {
      // A document removed (or given another file) meanwhile keeps no images of the old one.
      if (!(await lockDocumentWithFile(trx, document))) return;
      const kept = filesOfATransaction(trx);
      const stored = async (image: Buffer, kind: 'thumbnail' | 'preview') => {
        const name = `${document.documentId}_${kind}.jpg`;
        const file = { name, contentType: 'image/jpeg', sizeBytes: image.length, open: async () => Readable.from([image]) };
        return {
          name,
          sizeBytes: image.length,
          storagePath: await storeClientFile(kept, { storageRoot: options.storageRoot, tenant: document.tenant, file }),
        };
      };
      await recordDocumentPreviews(trx, {
        tenant: document.tenant,
        documentId: document.documentId,
        fileId: document.fileId,
        uploadedBy: document.createdBy,
        thumbnail: made.thumbnail ? await stored(made.thumbnail, 'thumbnail') : null,
        preview: made.preview === 'own file' ? 'own file' : made.preview ? await stored(made.preview, 'preview') : null,
      });
    });
  }

  return {
    afterCommit(trx, documents) {
      if (documents.length === 0) return;
      trx.executionPromise.then(
        () => {
          for (const document of documents) {
            queue = queue.then(() =>
              inBackground('document previews', () => previewOne(document)).catch((err: unknown) =>
                report(`the previews of document ${document.documentId} could not be stored`, err),
              ),
            );
          }
        },
        () => {},
      );
    },
    idle: async () => {
      // A transaction's commit may queue more while the queue runs.
      let seen: Promise<void> | undefined;
      while (seen !== queue) {
        seen = queue;
        await seen;
      }
    },
  };
}
