export { UploadId } from './commands.ts';
export { presentShared, presentUploadTypes } from './presenters.ts';
export { findWorkspaceUpload, listWorkspaceUploads, markOpenedByStaff } from './queries.ts';
export { readHead } from './receive-upload.ts';
