// `pull`: the services' images, pulled in parallel, as Docker Compose decides which to pull:
// a service without `image:` is skipped (it is built), `pull_policy: never|build` skips it,
// `missing` skips an image present locally, and an image shared by services is pulled once.
import { ServiceError } from '../errors.js';
import { connectEngine } from '../engine/connect.js';
import { ServiceGraph } from '../graph/graph.js';
import type { LoadedProject } from '../model/types.js';
import type { ProgressListener } from '../progress/events.js';
import { selectServices, type Plan, type PlanNode } from '../reconcile/plan.js';
import { ContainerEvents } from '../engine/wait.js';
import { actionContext } from './context.js';
import { runPlan } from './run-plan.js';
import type { EngineOptions } from './up.js';

export interface PullOptions extends EngineOptions {
  /** Only these services (default: all). */
  services?: string[];
  /** Also pull the images of the named services' dependencies. */
  includeDeps?: boolean;
  /** Overrides each service's `pull_policy`: `missing` skips images present locally. */
  policy?: 'missing' | 'always';
  /** A failed pull is a warning, not an error. */
  ignoreFailures?: boolean;
  /** Skip services that have a `build` section. */
  ignoreBuildable?: boolean;
}

export interface PullResult {
  /** Images pulled, with the service that asked first. */
  pulled: { service: string; image: string }[];
  skipped: { service: string; image?: string; reason: string }[];
  /** Pulls that failed but did not fail the command (ignored, or the service can be built). */
  failed: { service: string; image: string; error: string }[];
}

export async function pull(loaded: LoadedProject, options: PullOptions = {}): Promise<PullResult> {
  const project = loaded.project;
  const engine = options.engine ?? (await connectEngine());
  const selected = selectServices(project, new ServiceGraph(project), options.services, !options.includeDeps);
  const result: PullResult = { pulled: [], skipped: [], failed: [] };
  const note = (service: string, reason: string, image?: string) => {
    result.skipped.push({ service, image, reason });
    options.onEvent?.({ type: 'output', service, line: `Skipped - ${reason}` });
  };

  const wanted = [...selected].map((name) => project.services[name]).filter((s) => s.image);
  const refs = [...new Set(wanted.map((s) => s.image!))];
  const found = await Promise.all(
    refs.map((ref) =>
      engine
        .getImage(ref)
        .inspect()
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  const present = new Set(refs.filter((_, i) => found[i]));
  const nodes: PlanNode[] = [];
  const pulledBy = new Map<string, string>();
  for (const name of [...selected].sort()) {
    const service = project.services[name];
    if (!service.image) {
      note(name, 'No image to be pulled');
      continue;
    }
    if (service.build && options.ignoreBuildable) {
      note(name, 'Image can be built', service.image);
      continue;
    }
    const policy = options.policy ?? service.pull_policy;
    if (policy === 'never' || policy === 'build') {
      note(name, `pull_policy is "${policy}"`, service.image);
      continue;
    }
    if ((policy === 'missing' || policy === 'if_not_present') && present.has(service.image)) {
      note(name, 'Image is already present locally', service.image);
      continue;
    }
    const first = pulledBy.get(service.image);
    if (first) {
      note(name, `Image is already being pulled by ${first}`, service.image);
      continue;
    }
    pulledBy.set(service.image, name);
    nodes.push({
      id: `image:${name}`,
      step: { kind: 'pull-image', service: name, image: service.image },
      reason: policy ? `pull policy "${policy}"` : 'pull',
      after: [],
    });
  }

  // Every pull starts at once (no step waits on another), so one failure cancels none of them:
  // each failure is collected here, and the command decides afterwards whether it fails.
  const failures = new Map<string, string>();
  const listener: ProgressListener = (event) => {
    if (event.type === 'step' && event.status === 'failed') failures.set(event.id, event.error ?? 'failed');
    options.onEvent?.(event);
  };
  const plan: Plan = { nodes, warnings: [] };
  const events = new ContainerEvents(engine, project.name);
  let firstError: unknown;
  try {
    await runPlan(plan, actionContext(engine, loaded, events, { onEvent: options.onEvent }), listener, options.signal);
  } catch (err) {
    firstError = err;
  } finally {
    events.close();
  }
  if (firstError !== undefined && failures.size === 0) throw firstError;

  const mustBuild: string[] = [];
  for (const node of nodes) {
    const step = node.step as { service: string; image: string };
    const error = failures.get(node.id);
    if (error === undefined) {
      result.pulled.push({ service: step.service, image: step.image });
      continue;
    }
    const buildable = project.services[step.service].build !== undefined;
    if (!buildable && !options.ignoreFailures) {
      throw firstError instanceof ServiceError && firstError.service === step.service
        ? firstError
        : new ServiceError('pull', step.service, error.replace(/^service "[^"]*": /, ''));
    }
    result.failed.push({ service: step.service, image: step.image, error });
    if (buildable) mustBuild.push(step.service);
    else options.onEvent?.({ type: 'warning', message: `${error} (ignored: --ignore-pull-failures)` });
  }
  if (mustBuild.length) {
    options.onEvent?.({
      type: 'warning',
      message: `some service images must be built from source: run "berth build ${mustBuild.join(' ')}"`,
    });
  }
  return result;
}
