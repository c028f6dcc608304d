// `watch`: follow the files named by the services' `develop.watch` rules and keep the
// containers current: sync changed files into them, restart them, run a command in them, or
// rebuild the image and recreate them. Runs until the signal aborts.
import { BerthError, engineMessage } from '../errors.js';
import { connectEngine, type Engine } from '../engine/connect.js';
import { lastLines, runHook } from '../engine/hooks.js';
import { Label } from '../model/labels.js';
import type { LoadedProject, Service } from '../model/types.js';
import type { ProgressListener } from '../progress/events.js';
import { imageRef } from '../model/naming.js';
import { Batcher } from '../watch/batch.js';
import {
  changesText,
  compileRule,
  planBatch,
  skipsDirectory,
  syncs,
  type BatchPlan,
  type CompiledRule,
} from '../watch/rules.js';
import { splitByPresence, syncContainer } from '../watch/sync.js';
import { TreeWatcher } from '../watch/watcher.js';
import { build } from './build.js';
import { restart } from './lifecycle.js';
import { up, type EngineOptions } from './up.js';

export interface WatchOptions extends EngineOptions {
  /** Services to watch (default: every service with `develop.watch` rules). */
  services?: string[];
  /** Do not run `up` for the services before watching. */
  noUp?: boolean;
  /** After a rebuild, remove the image it replaced when nothing uses it any more. */
  prune?: boolean;
  /** Leave build output out of `onEvent`. */
  quiet?: boolean;
  /** What watch does, one event per action. */
  onWatchEvent?: (event: WatchEvent) => void;
  /** Milliseconds without a change before a batch of changes is acted on (default 300). */
  quietPeriodMs?: number;
}

export type WatchAction = 'initial-sync' | 'sync' | 'restart' | 'exec' | 'rebuild';

export type WatchEvent =
  /** Every watcher is in place: changes from now on are seen. */
  | { type: 'watching'; services: string[]; message: string }
  | { type: 'action'; action: WatchAction; service: string; changes: number; message: string }
  /** The service's containers were restarted or recreated: their output starts again at `since` (Unix seconds). */
  | { type: 'restarted'; service: string; since: number; message: string }
  /** An action failed; watching goes on. */
  | { type: 'failed'; service: string; message: string };

/** The services `watch` would follow, with their rules checked: what the command refuses before starting anything. */
export function watchedServices(loaded: LoadedProject, services?: string[]): Service[] {
  const project = loaded.project;
  for (const name of services ?? []) {
    if (!project.services[name])
      throw new BerthError(
        'reference',
        `no such service: "${name}" (services: ${Object.keys(project.services).join(', ') || 'none'})`,
      );
  }
  const selected = (services?.length ? services : Object.keys(project.services)).map((name) => project.services[name]);
  const watched = selected.filter((s) => s.develop?.watch?.length);
  if (!watched.length)
    throw new BerthError(
      'usage',
      `none of the selected services is configured for watch: add a develop.watch section to ${services?.length ? 'one of them' : 'a service'}`,
    );
  for (const service of watched) {
    service.develop!.watch!.forEach((rule, i) => {
      const where = `services.${service.name}.develop.watch[${i}]`;
      if (syncs(rule.action) && !rule.target)
        throw new BerthError('usage', `${where}: action ${rule.action} needs a target (the path in the container)`);
      if (rule.target !== undefined && !rule.target.startsWith('/'))
        throw new BerthError('usage', `${where}: target "${rule.target}" must be an absolute path in the container`);
      if (rule.action === 'rebuild' && !service.build)
        throw new BerthError('usage', `${where}: action rebuild needs a build section in service "${service.name}"`);
      if (rule.action === 'sync+exec' && !rule.exec?.command?.length)
        throw new BerthError('usage', `${where}: action sync+exec needs an exec command`);
    });
  }
  return watched;
}

/** Watches until `options.signal` aborts, then stops once the action under way is done. */
export async function watch(loaded: LoadedProject, options: WatchOptions = {}): Promise<void> {
  const engine = options.engine ?? (await connectEngine());
  const watched = watchedServices(loaded, options.services);
  const signal = options.signal;
  const emit = (event: WatchEvent) => options.onWatchEvent?.(event);
  const onEvent: ProgressListener | undefined =
    options.onEvent && ((e) => (options.quiet && e.type === 'output' ? undefined : options.onEvent!(e)));
  if (!options.noUp) await up(loaded, { engine, services: options.services, onEvent, signal });
  if (signal?.aborted) return;

  const session = new WatchSession(engine, loaded, { ...options, onEvent }, emit);
  try {
    for (const service of watched) await session.add(service);
    emit({
      type: 'watching',
      services: watched.map((s) => s.name),
      message: `Watch enabled for ${watched.map((s) => `"${s.name}"`).join(', ')}`,
    });
    await new Promise<void>((resolve) => {
      if (!signal) return; // without a signal, watch runs as long as the process does
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await session.close();
  }
}

interface ServiceWatch {
  service: Service;
  rules: CompiledRule[];
  batcher: Batcher<string>;
  /** Actions of one service run one after another. */
  queue: Promise<void>;
}

class WatchSession {
  private readonly watchers: TreeWatcher[] = [];
  private readonly services: ServiceWatch[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly loaded: LoadedProject,
    private readonly options: WatchOptions,
    private readonly emit: (event: WatchEvent) => void,
  ) {}

  async add(service: Service): Promise<void> {
    const rules = service.develop!.watch!.map(compileRule);
    const entry: ServiceWatch = {
      service,
      rules,
      batcher: new Batcher<string>((paths) => this.enqueue(entry, () => this.onBatch(entry, paths)), {
        quietMs: this.options.quietPeriodMs,
      }),
      queue: Promise.resolve(),
    };
    this.services.push(entry);
    for (const rule of rules) {
      this.watchers.push(
        await TreeWatcher.start({
          root: rule.rule.path,
          skipDirectory: (dir) => skipsDirectory(rule, dir),
          onChange: (path) => entry.batcher.add(path),
          onError: (err) =>
            this.emit({ type: 'failed', service: service.name, message: `service "${service.name}": ${err.message}` }),
        }),
      );
    }
    const initial = rules.filter((r) => r.rule.initial_sync && syncs(r.rule.action));
    if (initial.length) this.enqueue(entry, () => this.initialSync(entry, initial));
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.close();
    for (const s of this.services) s.batcher.close();
    await Promise.all(this.services.map((s) => s.queue));
  }

  private enqueue(entry: ServiceWatch, action: () => Promise<void>): void {
    entry.queue = entry.queue.then(action).catch((err: Error) => {
      const message = engineMessage(err);
      this.emit({
        type: 'failed',
        service: entry.service.name,
        message: message.startsWith('service "') ? message : `service "${entry.service.name}": ${message}`,
      });
    });
  }

  private async initialSync(entry: ServiceWatch, rules: CompiledRule[]): Promise<void> {
    const plan: BatchPlan = {
      changes: 0,
      rebuild: false,
      restart: false,
      exec: [],
      sync: rules.map((rule) => ({ hostPath: rule.rule.path, containerPath: rule.rule.target!, rule })),
    };
    const name = entry.service.name;
    this.emit({
      type: 'action',
      action: 'initial-sync',
      service: name,
      changes: 0,
      message: `Syncing service "${name}": initial sync of ${rules.map((r) => r.rule.target).join(', ')}`,
    });
    await this.sync(entry, plan);
  }

  private async onBatch(entry: ServiceWatch, paths: string[]): Promise<void> {
    if (this.options.signal?.aborted) return;
    const plan = planBatch(entry.rules, paths);
    if (!plan.changes) return;
    const name = entry.service.name;
    const after = `after ${changesText(plan.changes)}`;
    if (plan.rebuild) {
      this.emit({
        type: 'action',
        action: 'rebuild',
        service: name,
        changes: plan.changes,
        message: `Rebuilding service "${name}" ${after}`,
      });
      return this.rebuild(entry);
    }
    if (plan.sync.length) {
      this.emit({
        type: 'action',
        action: 'sync',
        service: name,
        changes: plan.changes,
        message: `Syncing service "${name}" ${after}`,
      });
      await this.sync(entry, plan);
    }
    if (plan.restart) {
      this.emit({
        type: 'action',
        action: 'restart',
        service: name,
        changes: plan.changes,
        message: `Restarting service "${name}" ${after}`,
      });
      const since = Math.floor(Date.now() / 1000);
      await restart(this.loaded, { engine: this.engine, services: [name], onEvent: this.options.onEvent });
      this.emit({ type: 'restarted', service: name, since, message: `Restarted service "${name}"` });
    }
    for (const hook of plan.exec) {
      this.emit({
        type: 'action',
        action: 'exec',
        service: name,
        changes: plan.changes,
        message: `Running ${JSON.stringify(hook.command)} in service "${name}" ${after}`,
      });
      for (const id of await this.runningContainers(name)) {
        const result = await runHook(this.engine, id, hook, this.loaded.environment);
        if (result.exitCode !== 0) {
          const output = lastLines(result.output);
          this.emit({
            type: 'failed',
            service: name,
            message: `service "${name}": exec command ${JSON.stringify(hook.command)} exited with code ${result.exitCode}${output ? `: ${output}` : ''}`,
          });
        }
      }
    }
  }

  private async sync(entry: ServiceWatch, plan: BatchPlan): Promise<void> {
    const name = entry.service.name;
    const containers = await this.runningContainers(name);
    if (!containers.length) throw new Error(`service "${name}" has no running container to sync files to`);
    const split = await splitByPresence(plan.sync);
    await Promise.all(containers.map((id) => syncContainer(this.engine, id, split)));
  }

  private async rebuild(entry: ServiceWatch): Promise<void> {
    const name = entry.service.name;
    const image = imageRef(this.loaded.project.name, entry.service);
    const before = await this.imageId(image);
    await build(this.loaded, { engine: this.engine, services: [name], onEvent: this.options.onEvent });
    const since = Math.floor(Date.now() / 1000);
    await up(this.loaded, { engine: this.engine, services: [name], noDeps: true, onEvent: this.options.onEvent });
    this.emit({ type: 'restarted', service: name, since, message: `Rebuilt service "${name}"` });
    const after = await this.imageId(image);
    if (this.options.prune && before && after && before !== after) {
      // Only an image nothing else uses goes: a tag or a container keeps it (404/409).
      await this.engine
        .getImage(before)
        .remove()
        .catch(() => undefined);
    }
  }

  private async imageId(image: string): Promise<string | undefined> {
    return this.engine
      .getImage(image)
      .inspect()
      .then((i) => i.Id)
      .catch(() => undefined);
  }

  private async runningContainers(service: string): Promise<string[]> {
    const list = await this.engine.listContainers({
      filters: {
        label: [`${Label.project}=${this.loaded.project.name}`, `${Label.service}=${service}`, `${Label.oneoff}=False`],
        status: ['running'],
      },
    });
    return list.map((c) => c.Id);
  }
}
