// Lifecycle hooks (`post_start`, `pre_stop`) and `develop.watch` exec hooks: commands run
// inside a service's container through the engine's exec API, one after another, in order.
// A hook's environment may hold secrets: messages name the command, never the environment.
import { engineMessage, engineStatus, ServiceError } from '../errors.js';
import type { LifecycleHook, LoadedProject, Service } from '../model/types.js';
import type { Engine } from './connect.js';
import { demultiplex } from './logs.js';

export interface HookContext {
  engine: Engine;
  loaded: LoadedProject;
  warn: (message: string) => void;
}

export interface HookResult {
  exitCode: number;
  /** stdout and stderr together, in the order they were read. */
  output: string;
}

/** How many of a failing hook's last output lines an error shows. */
const OUTPUT_LINES = 10;

/** The Engine's exec `Env`: `KEY=VALUE`; a null value passes berth's own variable through, or is dropped. */
export function hookEnv(hook: LifecycleHook, hostEnv: Record<string, string | undefined>): string[] | undefined {
  if (!hook.environment) return undefined;
  const env: string[] = [];
  for (const [key, value] of Object.entries(hook.environment)) {
    const resolved = value ?? hostEnv[key];
    if (resolved !== undefined) env.push(`${key}=${resolved}`);
  }
  return env;
}

/** Runs one hook to completion and returns its exit code and output. Engine errors (no such container, not running) are thrown as they are. */
export async function runHook(
  engine: Engine,
  containerId: string,
  hook: LifecycleHook,
  hostEnv: Record<string, string | undefined>,
  signal?: AbortSignal,
): Promise<HookResult> {
  const exec = await engine.getContainer(containerId).exec({
    Cmd: hook.command,
    User: hook.user,
    Privileged: hook.privileged ?? false,
    WorkingDir: hook.working_dir,
    Env: hookEnv(hook, hostEnv),
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const abort = () => {
      (stream as unknown as { destroy(): void }).destroy();
      reject(signal?.reason ?? new Error('aborted'));
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    });
    stream.on('error', (err) => {
      signal?.removeEventListener('abort', abort);
      reject(err);
    });
  });
  const output = demultiplex(Buffer.concat(chunks))
    .map((f) => f.data.toString('utf8'))
    .join('');
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? 0, output };
}

/** The last lines of a hook's output, for an error message. */
export function lastLines(output: string, n = OUTPUT_LINES): string {
  const lines = output.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/** How a hook is named in messages: its kind, position and command, never its environment. */
export function describeHook(kind: string, index: number, hook: LifecycleHook): string {
  return `${kind} hook #${index + 1} (${JSON.stringify(hook.command)})`;
}

function failureMessage(what: string, result: HookResult): string {
  const output = lastLines(result.output);
  const indented = output
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${what} exited with code ${result.exitCode}${output ? `; its last output lines:\n${indented}` : ' and printed nothing'}`;
}

/**
 * After a container started: each `post_start` hook in order. A hook that fails (or cannot
 * run) fails the start, naming the service and the hook, with the hook's last output lines.
 */
export async function runPostStartHooks(
  ctx: HookContext,
  service: Service | undefined,
  containerId: string,
): Promise<void> {
  const hooks = service?.post_start ?? [];
  for (const [i, hook] of hooks.entries()) {
    const what = describeHook('post_start', i, hook);
    let result: HookResult;
    try {
      result = await runHook(ctx.engine, containerId, hook, ctx.loaded.environment);
    } catch (err) {
      throw new ServiceError('engine', service!.name, `${what} could not run: ${engineMessage(err)}`, { cause: err });
    }
    if (result.exitCode !== 0) throw new ServiceError('engine', service!.name, failureMessage(what, result));
  }
}

/** A stop step's result when a `pre_stop` hook failed: the stop went on, and `down` fails once it is done. */
export const PRE_STOP_FAILED = 'pre-stop-failed';

/**
 * Before a container stops: each `pre_stop` hook in order. A failing hook is a warning and the
 * stop goes on (the result says so); a container that is not running (or gone) has nothing to
 * run them in.
 */
export async function runPreStopHooks(
  ctx: HookContext,
  service: Service | undefined,
  containerId: string,
): Promise<typeof PRE_STOP_FAILED | undefined> {
  const hooks = service?.pre_stop ?? [];
  let failed = false;
  for (const [i, hook] of hooks.entries()) {
    const what = describeHook('pre_stop', i, hook);
    let result: HookResult;
    try {
      result = await runHook(ctx.engine, containerId, hook, ctx.loaded.environment);
    } catch (err) {
      const status = engineStatus(err);
      if (status === 404 || status === 409) break;
      ctx.warn(`service "${service!.name}": ${what} could not run: ${engineMessage(err)}`);
      failed = true;
      continue;
    }
    if (result.exitCode !== 0) {
      ctx.warn(`service "${service!.name}": ${failureMessage(what, result)}`);
      failed = true;
    }
  }
  return failed ? PRE_STOP_FAILED : undefined;
}
