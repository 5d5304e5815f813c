import { VigilError } from '../../protocol/errors.js';

export const FS_ERROR_CODES = [
  'VIGIL_FS_PATH_INVALID',
  'VIGIL_FS_SENSOR_STATE',
] as const;

export type FsErrorCode = (typeof FS_ERROR_CODES)[number];

/** Failures of the file sensor's setup: watched roots, start and stop. */
export class FsError extends VigilError<FsErrorCode> {}
