import { envelopeHostiles } from './hostile-envelopes.js';
import { httpHostiles } from './hostile-http.js';
import {
  hostileContext,
  type CorpusInput,
  type Hostile,
} from './hostile-outcome.js';

export type { CorpusInput, Hostile, Outcome } from './hostile-outcome.js';

/** Every kind of hostile request the collector must refuse cleanly. */
export function hostileCorpus(input: CorpusInput): Hostile[] {
  const ctx = hostileContext(input);
  return [...httpHostiles(ctx), ...envelopeHostiles(ctx)];
}
