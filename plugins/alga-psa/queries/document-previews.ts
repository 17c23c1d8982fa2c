// The thumbnail and preview of a document, recorded as Alga PSA records the ones it makes at upload
// (documentPreviewGenerator.ts through StorageService.uploadFile and FileStoreModel.create, then
// uploadDocument's update of the document): one external_files row per made image (file_name the
// stored name, original_name '<document id>_thumbnail.jpg' or '_preview.jpg', 'image/jpeg', its
// size, its storage path, uploaded_by_id the document's creator), then the document's
// thumbnail_file_id, preview_file_id (its own file for a small image), preview_generated_at and
// updated_at. Scoped by tenant, and by the document still having the file the images were made of.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.ts';

/** A made image, its bytes already where Alga's storage puts an upload. */
interface StoredPreview {
  name: string;
  sizeBytes: number;
  storagePath: string;
}

export interface DocumentPreviewRecord {
  tenant: string;
  documentId: string;
  /** The document's own file, which the images were made of. */
  fileId: string;
  uploadedBy: string;
  thumbnail: StoredPreview | null;
  /** 'own file' where the document's own file is its preview (an image no larger than a preview). */
  preview: StoredPreview | 'own file' | null;
}

/** Whether the document still has this file, locked until the transaction ends; false when it is gone or has another. */
export async function lockDocumentWithFile(db: Db, args: { tenant: string; documentId: string; fileId: string }): Promise<boolean> {
  const document = await db('documents')
    .where({ tenant: args.tenant, document_id: args.documentId, file_id: args.fileId })
    .forUpdate()
    .first('document_id');
  return document !== undefined;
}

/** Records the stored images (after lockDocumentWithFile, in its transaction). */
export async function recordDocumentPreviews(db: Db, args: DocumentPreviewRecord): Promise<void> {
  const fileOf = async (image: StoredPreview | null) => {
    if (!image) return null;
    const fileId = randomUUID();
    await db('external_files').insert({
      tenant: args.tenant,
      file_id: fileId,
      file_name: image.storagePath.split('/').pop(),
      original_name: image.name,
      mime_type: 'image/jpeg',
      file_size: image.sizeBytes,
      storage_path: image.storagePath,
      uploaded_by_id: args.uploadedBy,
    });
    return fileId;
  };
  const thumbnailFileId = await fileOf(args.thumbnail);
  const previewFileId = args.preview === 'own file' ? args.fileId : await fileOf(args.preview);
  const now = new Date();
  await db('documents').where({ tenant: args.tenant, document_id: args.documentId }).update({
    thumbnail_file_id: thumbnailFileId,
    preview_file_id: previewFileId,
    preview_generated_at: now,
    updated_at: now,
  });
}
