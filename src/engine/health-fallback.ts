// Health checks where the engine runs none. Podman runs a container's healthcheck from systemd
// timers; without systemd (containers, CI machines, WSL) no probe ever runs and the health stays
// "starting" for ever. When a container's health has no probe result well past its start period
// and interval, berth runs the healthcheck command itself through exec, at its interval, timeout
// and retries, and its result stands in for the engine's health in every wait.
import type Docker from 'dockerode';
import { Label } from '../model/labels.js';
import type { Service } from '../model/types.js';
import type { Engine } from './connect.js';
import { runHook } from './hooks.js';

type Health = NonNullable<Docker.ContainerInspectInfo['State']['Health']>;
type Probe = { Start: string; End: string; ExitCode: number; Output: string };

/** The healthcheck settings berth probes with, in ms, with the engine's defaults. */
export interface ProbeSettings {
  command: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  retries: number;
}

const DEFAULT_MS = 30_000;
const DEFAULT_RETRIES = 3;
/** Probe results kept, as the engine keeps the last five. */
const KEPT_PROBES = 5;

/**
 * The command and timings of a container's healthcheck, or undefined when it has none to run.
 * `test` is the service's own, when it has one: Podman 4.3 hands back a CMD test split at spaces.
 */
export function probeSettings(
  config: Docker.ContainerInspectInfo['Config'],
  test = config.Healthcheck?.Test,
): ProbeSettings | undefined {
  const check = config.Healthcheck;
  const [kind, ...rest] = test ?? [];
  const command = kind === 'CMD' ? rest : kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : [];
  if (!command.length) return undefined;
  const ms = (ns: number | undefined, fallback: number) => (ns ? ns / 1e6 : fallback);
  return {
    command,
    intervalMs: ms(check?.Interval, DEFAULT_MS),
    timeoutMs: ms(check?.Timeout, DEFAULT_MS),
    startPeriodMs: ms(check?.StartPeriod, 0),
    retries: check?.Retries || DEFAULT_RETRIES,
  };
}

/**
 * Whether the engine has run no probe of a running container long after it should have: two
 * intervals and a probe's timeout since the container started. The start period does not delay
 * the engine's first probe (it only forgives failures), so waiting it out would only slow `up`.
 */
export function engineRunsNoProbe(state: Docker.ContainerInspectInfo, settings: ProbeSettings, now: number): boolean {
  const health = state.State.Health;
  if (!health || !state.State.Running || health.Status !== 'starting' || health.Log?.length) return false;
  return now - Date.parse(state.State.StartedAt) > probeDueMs(settings);
}

/** How long after a container's start the engine has surely run a first probe. */
function probeDueMs(settings: ProbeSettings): number {
  return 2 * settings.intervalMs + settings.timeoutMs;
}

/** The health after one probe, by the engine's rules: failures in the start period do not count. */
export function nextHealth(health: Health, probe: Probe, settings: ProbeSettings, inStartPeriod: boolean): Health {
  const Log = [...(health.Log ?? []), probe].slice(-KEPT_PROBES);
  if (probe.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  if (inStartPeriod) return { ...health, Log };
  const FailingStreak = health.FailingStreak + 1;
  return { Status: FailingStreak >= settings.retries ? 'unhealthy' : health.Status, FailingStreak, Log };
}

export interface HealthFallbackOptions {
  /** The project's services, whose own healthcheck commands berth runs. */
  services?: Record<string, Service>;
  /** Told once when berth starts running healthchecks itself. */
  onWarning?: (message: string) => void;
}

/** berth's own probing of the containers whose engine runs none, for the waits of one run. */
export class HealthFallback {
  private readonly probers = new Map<string, { startedAt: string; health: Health }>();
  private readonly stopped = new AbortController();
  private told = false;

  constructor(
    private readonly engine: Engine,
    /** Wakes the waits on a container after each of berth's probes. */
    private readonly wake: (containerId: string) => void,
    private readonly options: HealthFallbackOptions = {},
  ) {}

  /** The state with berth's health in place of the engine's where berth probes the container, and none where it has no healthcheck. */
  apply(state: Docker.ContainerInspectInfo): Docker.ContainerInspectInfo {
    // Podman reports a health with no status for a container without a healthcheck: it has none.
    if (state.State.Health && !state.State.Health.Status)
      return { ...state, State: { ...state.State, Health: undefined } };
    let prober = this.probers.get(state.Id);
    if (!prober || prober.startedAt !== state.State.StartedAt) {
      if (!state.State.Health || !state.Config) return state;
      const service = this.options.services?.[state.Config.Labels?.[Label.service] ?? ''];
      const settings = probeSettings(state.Config, service?.healthcheck?.test);
      if (!settings || !engineRunsNoProbe(state, settings, Date.now())) return state;
      prober = { startedAt: state.State.StartedAt, health: { Status: 'starting', FailingStreak: 0, Log: [] } };
      this.probers.set(state.Id, prober);
      this.tell(state, settings);
      void this.probe(state.Id, prober, settings);
    }
    return { ...state, State: { ...state.State, Health: prober.health } };
  }

  /** Stops every probe (the run's waits are over). */
  close(): void {
    this.stopped.abort();
  }

  private tell(state: Docker.ContainerInspectInfo, settings: ProbeSettings): void {
    if (this.told) return;
    this.told = true;
    this.options.onWarning?.(
      `the engine ran no healthcheck of ${state.Name.replace(/^\//, '')} within ${Math.round(probeDueMs(settings) / 1000)} s of its start (Podman without systemd runs none): berth runs each service's healthcheck itself through exec, at its interval, timeout and retries`,
    );
  }

  private async probe(
    id: string,
    prober: { startedAt: string; health: Health },
    settings: ProbeSettings,
  ): Promise<void> {
    const startedAt = Date.parse(prober.startedAt);
    while (!this.stopped.signal.aborted && this.probers.get(id) === prober) {
      const start = new Date();
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      let result: { exitCode: number; output: string };
      try {
        const signal = AbortSignal.any([timeout, this.stopped.signal]);
        result = await runHook(this.engine, id, { command: settings.command }, {}, signal);
      } catch {
        // The container stopped or is gone (or the run is over): its state, not a probe, is the news.
        if (!timeout.aborted || this.stopped.signal.aborted) return;
        result = { exitCode: -1, output: `health check exceeded its ${settings.timeoutMs / 1000} s timeout` };
      }
      const { exitCode, output } = result;
      const probe = { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: exitCode, Output: output };
      prober.health = nextHealth(prober.health, probe, settings, Date.now() - startedAt < settings.startPeriodMs);
      this.wake(id);
      await new Promise((resolve) => setTimeout(resolve, settings.intervalMs).unref());
    }
  }
}
