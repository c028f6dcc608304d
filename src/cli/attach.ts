// Attached `up`: the prefixed output of the project's containers from the moment each one
// starts (stdout to stdout, stderr to stderr), and a `<container> exited with code N` line for
// every exit, following containers the engine restarts or `up` recreates (api/logs.ts).
import { logs, type LogSource } from '../api/logs.js';
import type { Engine } from '../engine/connect.js';
import { replicaCount } from '../model/naming.js';
import type { LoadedProject } from '../model/types.js';
import { serviceColor } from './colors.js';

export interface AttachOptions {
  /** Services whose output is shown. */
  services: string[];
  /** Unix seconds: output from before this is not shown. */
  since: number;
  color: boolean;
  prefix: boolean;
  /** Ends the session. */
  signal: AbortSignal;
  /** The session does not end for lack of running containers before this settles. */
  holdOpen: Promise<unknown>;
  /** Output is followed from here on: containers starting now are seen. */
  onFollowing?: () => void;
  /** A container exited (or died and is being restarted by the engine). */
  onExit?: (exit: ContainerExit) => void;
}

export interface ContainerExit {
  /** As Compose prints it: `web-1`. */
  name: string;
  service: string;
  exitCode: number;
  restarting: boolean;
}

export interface AttachStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Resolves once no attached container is running or about to (after `holdOpen`), or the signal aborts. */
export function attachToProject(
  engine: Engine,
  loaded: LoadedProject,
  out: AttachStreams,
  options: AttachOptions,
): Promise<void> {
  const services = loaded.project.services;
  const width = Math.max(0, ...options.services.map((s) => `${s}-${replicaCount(services[s])}`.length));
  const prefixes = new Map<string, string>();
  const paint = (source: LogSource, text: string) => (options.color ? serviceColor(source.service)(text) : text);
  const prefixOf = (source: LogSource) => {
    let text = prefixes.get(source.name);
    if (text === undefined) {
      text = paint(source, `${source.name.padEnd(width)} | `);
      prefixes.set(source.name, text);
    }
    return text;
  };
  let following = false;
  return logs(loaded, {
    engine,
    services: options.services,
    follow: true,
    since: String(options.since),
    signal: options.signal,
    holdOpen: options.holdOpen,
    // The first call comes once the engine's events are subscribed and the existing containers listed.
    onContainers: () => {
      if (!following) options.onFollowing?.();
      following = true;
    },
    onLine: (entry) =>
      (entry.stream === 'stderr' ? out.stderr : out.stdout).write(
        `${options.prefix ? prefixOf(entry) : ''}${entry.line}\n`,
      ),
    onExit: (source, exitCode, restarting) => {
      out.stdout.write(
        `${paint(source, source.name)} exited with code ${exitCode}${restarting ? ' (restarting)' : ''}\n`,
      );
      options.onExit?.({ name: source.name, service: source.service, exitCode, restarting });
    },
  });
}
