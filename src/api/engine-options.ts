// The options every command of the library API shares: which engine, where progress goes, and
// what ends the run early.
import type { Engine } from '../engine/connect.js';
import type { ProgressListener } from '../progress/events.js';

export interface EngineOptions {
  /** A connected engine; default: connect from DOCKER_HOST. */
  engine?: Engine;
  onEvent?: ProgressListener;
  signal?: AbortSignal;
}
