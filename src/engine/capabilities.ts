// What the engine behind the Docker API can do, read once from its `/version`. Podman serves the
// same API with a few differences; every place that must act on one asks here, never "is it Podman".
import { engineMessage, engineStatus } from '../errors.js';
import type { Engine } from './connect.js';

export interface EngineCapabilities {
  /** The engine's own name ("Docker Engine", "Podman Engine"), for messages. */
  name: string;
  /** It has Swarm's endpoints (`/services`, `/tasks`, `/nodes`); Podman answers them 404. */
  swarm: boolean;
  /** GPUs are requested as CDI device names (`nvidia.com/gpu=0`), not as NVIDIA device requests (Podman). */
  cdiGpus: boolean;
  /**
   * Why the engine's Docker-compatible API cannot take CDI devices; undefined when it can. Podman
   * before 5.4 ignores a `cdi` device request and reads a CDI name in Devices as a host path.
   */
  cdiRefusal?: string;
  /**
   * Log lines come with nanosecond timestamps, one to a line, so a log stream can be resumed after
   * its last line. Podman's are whole seconds, and a line it stored in parts gets one per part.
   */
  preciseLogTimestamps: boolean;
  /** Whether a failed create means the name is taken: Docker answers 409, Podman 500 "name is already in use". */
  isNameConflict(err: unknown): boolean;
}

const PODMAN = 'Podman Engine';

const known = new WeakMap<Engine, Promise<EngineCapabilities>>();

/** The engine's capabilities, asked once per client. An engine that names no component counts as Docker. */
export function engineCapabilities(engine: Engine): Promise<EngineCapabilities> {
  let found = known.get(engine);
  if (!found) {
    found = engine.version().then(capabilitiesOf, (err: unknown) => {
      // Not remembered: the next call asks again (the engine may have been briefly unreachable).
      known.delete(engine);
      throw err;
    });
    known.set(engine, found);
  }
  return found;
}

/** Capabilities from a `/version` answer; exported for tests. */
export function capabilitiesOf(version: { Components?: { Name?: string; Version?: string }[] }): EngineCapabilities {
  const podman = (version.Components ?? []).find((c) => c.Name === PODMAN);
  return {
    name: podman ? PODMAN : 'Docker Engine',
    swarm: !podman,
    cdiGpus: podman !== undefined,
    cdiRefusal: podman && podmanCdiRefusal(podman.Version),
    preciseLogTimestamps: !podman,
    isNameConflict: podman ? podmanNameConflict : (err) => engineStatus(err) === 409,
  };
}

/** Podman's compat create honors `cdi` device requests from 5.4 on; a version it does not say is taken as able. */
function podmanCdiRefusal(version = ''): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (!(major < 5 || (major === 5 && minor < 4))) return undefined;
  return `Podman ${version} takes CDI devices only through its own CLI and API, not the Docker-compatible API berth uses (Podman 5.4 and later do)`;
}

function podmanNameConflict(err: unknown): boolean {
  const status = engineStatus(err);
  return status === 409 || (status === 500 && /name is already in use/.test(engineMessage(err)));
}
