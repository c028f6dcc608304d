// Waiting for containers to reach a state. The engine's event stream says *when* to look
// (so a dependent starts within moments of its dependency turning healthy); an inspect says
// *what* the state is, so a missed or reordered event can never produce a wrong answer.
import type Docker from 'dockerode';
import { BerthError, isNotFound } from '../errors.js';
import { lostConnection, type Engine } from './connect.js';
import { subscribeEvents, type EventSubscription } from './events.js';
import { HealthFallback, type HealthFallbackOptions } from './health-fallback.js';
import { lastLogLines } from './logs.js';
import { Label } from '../model/labels.js';

export type Verdict = { done: true } | { done: false; failed?: string };

export type StatePredicate = (state: Docker.ContainerInspectInfo) => Verdict;

/** One event subscription for the whole run, shared by every wait. */
export class ContainerEvents {
  private readonly listeners = new Map<string, Set<() => void>>();
  private subscription?: EventSubscription;
  private opening?: Promise<void>;
  /** berth's own health probes, for containers whose engine runs none (Podman without systemd). */
  private readonly health: HealthFallback;

  constructor(
    private readonly engine: Engine,
    private readonly projectName: string,
    /** Ends every wait at once, with the signal's reason. */
    private readonly signal?: AbortSignal,
    /** For berth's own health probes where the engine runs none. */
    healthFallback?: HealthFallbackOptions,
  ) {
    signal?.addEventListener('abort', () => this.wakeAll(), { once: true });
    this.health = new HealthFallback(engine, (id) => this.wakeOne(id), healthFallback);
  }

  private open(): Promise<void> {
    this.opening ??= (async () => {
      this.subscription = await subscribeEvents(
        this.engine,
        { type: ['container'], label: [`${Label.project}=${this.projectName}`] },
        (event) => {
          if (event.id) this.wakeOne(event.id);
        },
      );
      // A broken stream must not leave a wait hanging: everyone looks again.
      this.subscription.done.catch(() => this.wakeAll());
    })();
    return this.opening;
  }

  private wakeAll(): void {
    for (const set of this.listeners.values()) for (const wake of set) wake();
  }

  private wakeOne(containerId: string): void {
    for (const wake of this.listeners.get(containerId) ?? []) wake();
  }

  /**
   * Resolves when `predicate` says done; rejects when it says failed or the timeout passes,
   * or with an `engine-unreachable` error when the engine went away meanwhile.
   */
  async waitFor(containerId: string, predicate: StatePredicate, timeoutMs?: number): Promise<void> {
    await this.open().catch(async (err: unknown) => {
      throw await this.blame(err);
    });
    const container = this.engine.getContainer(containerId);
    let name = containerId.slice(0, 12);
    return new Promise<void>((resolve, reject) => {
      let checking = false;
      let again = false;
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => void timedOut(), timeoutMs);
      const timedOut = async () => {
        const state = await container.inspect().catch(() => undefined);
        const health = state ? healthLog(state) : '';
        finish(
          new BerthError(
            'timeout',
            `timed out after ${timeoutMs! / 1000} s${state ? ` (state: ${state.State.Health?.Status ?? state.State.Status})` : ''}${health}`,
          ),
        );
      };
      // Health checks do not emit an event on every probe: a slow, bounded re-check covers a lost event.
      const safety = setInterval(() => void check(), 2_000);
      const wakeSet = this.listeners.get(containerId) ?? new Set();
      this.listeners.set(containerId, wakeSet);
      const wake = () => void check();
      wakeSet.add(wake);
      const finish = (error?: unknown) => {
        clearTimeout(timer);
        clearInterval(safety);
        wakeSet.delete(wake);
        if (error) reject(error);
        else resolve();
      };
      const check = async (): Promise<void> => {
        if (this.signal?.aborted) return finish(this.signal.reason);
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            const inspected = await inspectUnlessGone(container);
            const state = inspected && this.health.apply(inspected);
            if (state) name = containerName(state);
            // `docker rm -f` marks the container "removing" before it kills it: its health and exit code say nothing then.
            if (!state || state.State.Status === 'removing') return finish(removedWhileWaiting(name));
            const verdict = predicate(state);
            if (verdict.done) return finish();
            if (verdict.failed) return finish(await this.blame(new Error(verdict.failed)));
          } while (again);
        } catch (err) {
          finish(await this.blame(err));
        } finally {
          checking = false;
        }
      };
      void check();
    });
  }

  /** A stopping engine stops the containers it runs (their health turns "unhealthy"): that is its failure, not theirs. */
  private async blame(err: unknown): Promise<unknown> {
    return (await lostConnection(this.engine)) ?? err;
  }

  close(): void {
    this.subscription?.close();
    this.health.close();
  }
}

/** What a wait reports when its container was removed meanwhile (`docker rm -f`): never a health or exit verdict. */
export function removedWhileWaiting(name: string): BerthError {
  return new BerthError('engine', `container ${name} was removed while berth waited`);
}

/**
 * Containers the engine listed for a service that should have `expected`: fewer means some were
 * removed between their start and the wait, which must fail rather than wait on the rest.
 */
export function checkAllPresent(service: string, expected: number, listed: Docker.ContainerInfo[]): void {
  const present = listed.filter((c) => c.Labels[Label.service] === service).length;
  if (present >= expected) return;
  const missing = expected - present;
  throw new BerthError(
    'engine',
    `service "${service}" has ${present} of its ${expected} containers: ${missing === 1 ? 'one was' : `${missing} were`} removed while berth waited, or never created`,
  );
}

async function inspectUnlessGone(container: Docker.Container): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await container.inspect();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export const isHealthy: StatePredicate = (s) => {
  if (!s.State.Health) return { done: false, failed: `container ${containerName(s)} has no healthcheck configured` };
  // The engine marks a container that stopped "unhealthy": its exit is the news.
  const exited = exitedEarly(s);
  if (!exited.done && exited.failed) return exited;
  if (s.State.Health.Status === 'healthy') return { done: true };
  if (s.State.Health.Status === 'unhealthy')
    return { done: false, failed: `container ${containerName(s)} is unhealthy${healthLog(s)}` };
  return { done: false };
};

export const completedSuccessfully: StatePredicate = (s) => {
  if (s.State.Status === 'exited' || s.State.Status === 'dead') {
    return s.State.ExitCode === 0
      ? { done: true }
      : { done: false, failed: `container ${containerName(s)} exited with code ${s.State.ExitCode}` };
  }
  return { done: false };
};

/** `up --wait`: running (and healthy, when it has a healthcheck). */
export const isRunningOrHealthy: StatePredicate = (s) =>
  s.State.Health ? isHealthy(s) : s.State.Running ? { done: true } : exitedEarly(s);

function exitedEarly(s: Docker.ContainerInspectInfo): Verdict {
  if (s.State.Status === 'exited' || s.State.Status === 'dead') {
    return { done: false, failed: `container ${containerName(s)} exited with code ${s.State.ExitCode}` };
  }
  return { done: false };
}

function containerName(s: Docker.ContainerInspectInfo): string {
  return s.Name.replace(/^\//, '');
}

function healthLog(s: Docker.ContainerInspectInfo): string {
  const last = s.State.Health?.Log?.at(-1);
  const output = last?.Output?.trim();
  return output ? ` (last health check: ${output.split('\n').slice(-3).join(' | ')})` : '';
}

/** Adds the container's last log lines to a failure, since that is where the cause usually is. */
export async function withLastLogs(engine: Engine, containerId: string, message: string): Promise<string> {
  const lines = await lastLogLines(engine, containerId, 10).catch(() => []);
  return lines.length ? `${message}; last log lines:\n${lines.map((l) => `  ${l}`).join('\n')}` : message;
}
