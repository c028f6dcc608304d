// What every pre-check (engine/precheck.ts) is given.
import type { LoadedProject } from '../model/types.js';
import type { Engine } from './connect.js';

export interface PrecheckContext {
  engine: Engine;
  loaded: LoadedProject;
  /** The services `up` acts on. */
  services: Set<string>;
}

export type Precheck = (ctx: PrecheckContext) => Promise<void>;
