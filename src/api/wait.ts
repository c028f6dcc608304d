// `wait`: block until the services' containers stop. The engine's event stream says when to
// look, an inspect says whether the container has exited (as `up --wait` does).
import { BerthError, ServiceError } from '../errors.js';
import { connectEngine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import { ContainerEvents, type StatePredicate } from '../engine/wait.js';
import { down } from './down.js';
import { containerRef, projectContainers } from './pause.js';
import type { EngineOptions } from './up.js';

export interface ContainerExit {
  id: string;
  name: string;
  service: string;
  exitCode: number;
}

export interface WaitOptions extends EngineOptions {
  services: string[];
  /** Once the first container exits, take the whole project down (`down --remove-orphans`). */
  downProject?: boolean;
  /** Called as each container exits. */
  onExit?: (exit: ContainerExit) => void;
}

export interface WaitResult {
  /** The first container's exit code. */
  exitCode: number;
  /** Containers in the order they exited (with `downProject`, only the first). */
  exited: ContainerExit[];
}

export async function wait(loaded: LoadedProject, options: WaitOptions): Promise<WaitResult> {
  if (!options.services.length) throw new BerthError('usage', 'wait needs at least one service');
  const engine = options.engine ?? (await connectEngine());
  const project = loaded.project;
  const containers = await projectContainers(engine, project.name, {
    services: options.services,
    states: ['running', 'restarting', 'paused'],
  });
  for (const service of options.services) {
    if (!containers.some((c) => c.Labels[Label.service] === service))
      throw new ServiceError('engine', service, 'no running container to wait for');
  }
  const events = new ContainerEvents(engine, project.name);
  const exited: ContainerExit[] = [];
  // With downProject, the others stop because of the down: they are not reported.
  let takingDown = false;
  try {
    const waits = containers.map(containerRef).map(async (ref) => {
      let exitCode = 0;
      const stopped: StatePredicate = (s) => {
        if (s.State.Status !== 'exited' && s.State.Status !== 'dead') return { done: false };
        exitCode = s.State.ExitCode;
        return { done: true };
      };
      await events.waitFor(ref.id, stopped);
      const exit = { ...ref, exitCode };
      if (takingDown) return exit;
      takingDown = !!options.downProject;
      exited.push(exit);
      options.onExit?.(exit);
      return exit;
    });
    const aborted = new Promise<never>((_, reject) => {
      options.signal?.addEventListener(
        'abort',
        () => reject(options.signal!.reason ?? new BerthError('timeout', 'aborted')),
        { once: true },
      );
    });
    aborted.catch(() => undefined);
    if (options.downProject) {
      // The others never settle normally once their containers are removed: ignore how they end.
      for (const w of waits) w.catch(() => undefined);
      await Promise.race([Promise.any(waits), aborted]);
      events.close();
      await down(loaded, { engine, removeOrphans: true, onEvent: options.onEvent });
      return { exitCode: exited[0].exitCode, exited };
    }
    await Promise.race([Promise.all(waits), aborted]);
    return { exitCode: exited[0].exitCode, exited };
  } finally {
    events.close();
  }
}
