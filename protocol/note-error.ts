import { VigilError } from './errors.js';

export const NOTE_ERROR_CODES = [
  'VIGIL_NOTE_MALFORMED',
  'VIGIL_NOTE_UNVERIFIED',
  'VIGIL_NOTE_SIGNATURE_INVALID',
  'VIGIL_NOTE_KEY_INVALID',
  'VIGIL_CHECKPOINT_INVALID',
] as const;

export type NoteErrorCode = (typeof NOTE_ERROR_CODES)[number];

/**
 * A signed note (c2sp.org/signed-note) or log checkpoint
 * (c2sp.org/tlog-checkpoint) that is malformed, unsigned by any trusted key,
 * or carries a bad signature from one; or a key that cannot sign notes.
 */
export class NoteError extends VigilError<NoteErrorCode> {}
