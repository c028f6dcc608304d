// `exec`: a command in a running container of a service, with its exit code.
import { connectEngine, type Engine } from '../engine/connect.js';
import { envList } from '../engine/env-args.js';
import {
  execExitCode,
  isInteractiveTerminal,
  pipeSession,
  processStdio,
  useTerminal,
  type ProcessStdio,
  type SignalSource,
} from '../engine/exec.js';
import {
  checkIndex,
  projectContainers,
  serviceContainer,
  type ServiceContainer,
} from '../engine/service-containers.js';
import { BerthError } from '../errors.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';

export interface ExecOptions extends Pick<EngineOptions, 'engine'> {
  service: string;
  /** The command and its arguments (no shell is involved). */
  command: string[];
  /** Replica number; default 1. */
  index?: number;
  /** Start the command and return without waiting for it. */
  detach?: boolean;
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  user?: string;
  workdir?: string;
  privileged?: boolean;
  /** Allocate a TTY; default: when stdin and stdout are terminals. */
  tty?: boolean;
  /** Forward stdin to the command; default true (unless detached). */
  interactive?: boolean;
  /** Default: this process's stdin, stdout and stderr. */
  stdio?: ProcessStdio;
  /** Where terminal size changes are heard; default the process. */
  signals?: SignalSource;
}

export interface ExecResult {
  containerId: string;
  execId: string;
  /** The command's exit code; 0 when detached. */
  exitCode: number;
}

export async function exec(loaded: LoadedProject, options: ExecOptions): Promise<ExecResult> {
  if (!options.command.length) throw new BerthError('usage', 'exec needs a command to run');
  const engine = options.engine ?? (await connectEngine());
  const container = await execTarget(engine, loaded.project.name, options.service, checkIndex(options.index));
  const stdio = options.stdio ?? processStdio();
  const detach = options.detach ?? false;
  const tty = options.tty ?? (!detach && isInteractiveTerminal(stdio));
  const attachStdin = !detach && (options.interactive ?? true) && stdio.stdin !== undefined;
  const execution = await engine.getContainer(container.id).exec({
    Cmd: options.command,
    AttachStdin: attachStdin,
    AttachStdout: !detach,
    AttachStderr: !detach,
    Tty: tty,
    Env: options.env ? envList(options.env) : undefined,
    User: options.user,
    WorkingDir: options.workdir,
    Privileged: options.privileged,
  });
  if (detach) {
    await execution.start({ Detach: true, Tty: tty });
    return { containerId: container.id, execId: execution.id, exitCode: 0 };
  }
  const socket = (await execution.start({ hijack: true, stdin: attachStdin, Tty: tty })) as NodeJS.ReadWriteStream;
  const restore = tty ? useTerminal(stdio, (size) => execution.resize(size), options.signals) : () => undefined;
  try {
    await pipeSession(engine, socket, { tty, stdio, attachStdin });
  } finally {
    restore();
  }
  return { containerId: container.id, execId: execution.id, exitCode: await execExitCode(execution) };
}

/**
 * Replica `index` of the service; as Compose, when none of its containers runs, one of its
 * running one-off (`run -d`) containers, `index` counting among them in name order.
 */
async function execTarget(engine: Engine, project: string, service: string, index: number): Promise<ServiceContainer> {
  const running = await projectContainers(engine, project, [service], { oneoff: true });
  const oneOffs = running.filter((c) => c.oneoff);
  if (running.some((c) => !c.oneoff) || !oneOffs.length) return serviceContainer(engine, project, service, index);
  const found = oneOffs[index - 1];
  if (!found)
    throw new BerthError(
      'reference',
      `service "${service}" has no running container #${index} (running one-off containers: ${oneOffs.map((c) => c.name).join(', ')})`,
    );
  return found;
}
