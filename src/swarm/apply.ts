// Apply a stack plan: one Engine API call per step, run by the same executor as `up` (which
// only reads ids and `after`), reported as the same progress events. It makes no decisions
// beyond filling in the IDs that earlier steps produced.
import { BerthError, isNotFound, engineMessage, ServiceError } from '../errors.js';
import type { Engine } from '../engine/connect.js';
import { bodyOnly } from '../engine/request-body.js';
import { Label } from '../model/labels.js';
import type { ProgressEvent, ProgressListener } from '../progress/events.js';
import { executePlan, type StepStatus } from '../reconcile/execute.js';
import type { DesiredObject, DesiredStack } from './desired.js';
import type { ObservedStack } from './observe.js';
import type { SwarmPlan, SwarmPlanNode, SwarmStep } from './plan.js';
import { CONFIG_KEY, SECRET_KEY, STACK_NAMESPACE, type ServiceSpec } from './types.js';

export interface ApplyContext {
  engine: Engine;
  project: string;
  observed: ObservedStack;
  /** What to create; absent for undeploy. */
  desired?: DesiredStack;
  /** How long a removal may wait for Swarm to let go of a network or object still in use (ms). */
  releaseTimeout?: number;
}

export async function applySwarmPlan(
  plan: SwarmPlan,
  ctx: ApplyContext,
  onEvent?: ProgressListener,
  signal?: AbortSignal,
): Promise<Map<string, unknown>> {
  for (const message of plan.warnings) onEvent?.({ type: 'warning', message });
  if (!plan.nodes.length) return new Map();
  onEvent?.({ type: 'plan', steps: plan.nodes.map((n) => n.id) });
  return executePlan(plan, (step, _node, results) => runStep(step, ctx, results), {
    signal,
    onEvent: ({ node, status, error }) => onEvent?.(stepEvent(node, status, error)),
  });
}

function stepEvent(node: SwarmPlanNode, status: StepStatus, error: unknown): ProgressEvent {
  const [started, done] = WORDS[node.step.kind];
  const text = status === 'started' ? started : status === 'done' ? done : status === 'failed' ? 'Error' : 'Cancelled';
  return {
    type: 'step',
    id: node.id,
    kind: node.step.kind,
    resource: resource(node.step),
    status,
    text,
    reason: node.reason,
    error: error === undefined ? undefined : ((error as Error).message ?? String(error)),
  };
}

const WORDS: Record<SwarmStep['kind'], [string, string]> = {
  'create-network': ['Creating', 'Created'],
  'create-secret': ['Creating', 'Created'],
  'create-config': ['Creating', 'Created'],
  'create-service': ['Creating', 'Created'],
  'update-service': ['Updating', 'Updated'],
  'remove-service': ['Removing', 'Removed'],
  'remove-secret': ['Removing', 'Removed'],
  'remove-config': ['Removing', 'Removed'],
  'remove-network': ['Removing', 'Removed'],
};

/** What a step acts on, as a person reads it: `Service proj_web`. */
export function resource(step: SwarmStep): string {
  const noun = step.kind.endsWith('network')
    ? 'Network'
    : step.kind.endsWith('secret')
      ? 'Secret'
      : step.kind.endsWith('config')
        ? 'Config'
        : 'Service';
  return `${noun} ${step.name}`;
}

async function runStep(step: SwarmStep, ctx: ApplyContext, results: ReadonlyMap<string, unknown>): Promise<unknown> {
  const { engine } = ctx;
  switch (step.kind) {
    case 'create-network':
      return createNetwork(ctx, step.key);
    case 'create-secret':
    case 'create-config':
      return createObject(ctx, desiredObject(ctx, step.kind === 'create-secret' ? 'secret' : 'config', step.name));
    case 'create-service': {
      const spec = withIds(ctx, serviceSpec(ctx, step.service), results);
      const created = await dial<{ ID: string }>(engine, {
        path: '/services/create',
        method: 'POST',
        options: spec,
      }).catch(rethrow(step.service));
      return created.ID;
    }
    case 'update-service': {
      const spec = withIds(ctx, serviceSpec(ctx, step.service), results);
      await dial(engine, {
        path: `/services/${step.id}/update?`,
        method: 'POST',
        options: bodyOnly(spec, { version: step.version }),
      }).catch(rethrow(step.service));
      return step.id;
    }
    case 'remove-service':
      await ignoreMissing(dial(engine, { path: `/services/${step.id}`, method: 'DELETE' })).catch(
        rethrow(step.service),
      );
      return undefined;
    case 'remove-secret':
      return whenReleased(
        ctx,
        () => ignoreMissing(dial(engine, { path: `/secrets/${step.id}`, method: 'DELETE' })),
        `secret "${step.name}"`,
      );
    case 'remove-config':
      return whenReleased(
        ctx,
        () => ignoreMissing(dial(engine, { path: `/configs/${step.id}`, method: 'DELETE' })),
        `config "${step.name}"`,
      );
    case 'remove-network':
      return whenReleased(
        ctx,
        () => ignoreMissing(dial(engine, { path: `/networks/${step.id}`, method: 'DELETE' })),
        `network "${step.name}"`,
      );
  }
}

async function createNetwork(ctx: ApplyContext, key: string): Promise<string> {
  const network = ctx.desired?.networks.find((n) => n.key === key);
  if (!network) throw new BerthError('engine', `network "${key}" is not in the stack`);
  const def = network.definition;
  const ipam = def.ipam && {
    Driver: def.ipam.driver,
    Config: def.ipam.config?.map((c) => ({
      Subnet: c.subnet,
      IPRange: c.ip_range,
      Gateway: c.gateway,
      AuxiliaryAddresses: c.aux_addresses,
    })),
    Options: def.ipam.options,
  };
  const created = await dial<{ Id: string }>(ctx.engine, {
    path: '/networks/create',
    method: 'POST',
    options: {
      Name: network.name,
      CheckDuplicate: true,
      Driver: def.driver ?? 'overlay',
      Scope: 'swarm',
      // Attachable, so `docker run --network` (and debugging containers) can join the stack's network.
      Attachable: def.attachable ?? true,
      Internal: def.internal,
      EnableIPv6: def.enable_ipv6,
      Options: def.driver_opts,
      IPAM: ipam,
      // Not the Compose project label: `berth down` would then take the stack's network for its own.
      Labels: {
        ...def.labels,
        [STACK_NAMESPACE]: ctx.project,
        [Label.network]: key,
        [Label.configHash]: network.configHash,
      },
    },
  }).catch((err: unknown) => {
    throw new BerthError('engine', `network "${network.name}": ${engineMessage(err)}`, { cause: err });
  });
  return created.Id;
}

function desiredObject(ctx: ApplyContext, kind: 'secret' | 'config', name: string): DesiredObject {
  const found = (kind === 'secret' ? ctx.desired?.secrets : ctx.desired?.configs)?.find((o) => o.name === name);
  if (!found?.data) throw new BerthError('engine', `${kind} "${name}" is not in the stack`);
  return found;
}

async function createObject(ctx: ApplyContext, o: DesiredObject): Promise<string> {
  const def = o.definition;
  const body = {
    Name: o.name,
    Labels: { ...def.labels, [STACK_NAMESPACE]: ctx.project, [o.kind === 'secret' ? SECRET_KEY : CONFIG_KEY]: o.key },
    Data: o.data!.toString('base64'),
    Driver: o.kind === 'secret' && def.driver ? { Name: def.driver, Options: def.driver_opts } : undefined,
    Templating: def.template_driver ? { Name: def.template_driver } : undefined,
  };
  const created = await dial<{ ID: string }>(ctx.engine, {
    path: `/${o.kind}s/create`,
    method: 'POST',
    options: body,
  }).catch((err: unknown) => {
    // Never echo the request: it carries the content.
    throw new BerthError('engine', `${o.kind} "${o.name}": ${engineMessage(err)}`, { cause: err });
  });
  return created.ID;
}

function serviceSpec(ctx: ApplyContext, key: string): ServiceSpec {
  const service = ctx.desired?.byKey[key];
  if (!service) throw new BerthError('engine', `service "${key}" is not in the stack`);
  return service.spec;
}

/** The spec with secret and config IDs: from this run's create steps, else from the snapshot. */
function withIds(ctx: ApplyContext, spec: ServiceSpec, results: ReadonlyMap<string, unknown>): ServiceSpec {
  const id = (kind: 'secret' | 'config', name: string): string => {
    const created = results.get(`${kind}:${name}`);
    if (typeof created === 'string') return created;
    const found = (kind === 'secret' ? ctx.observed.secrets : ctx.observed.configs)[name];
    if (!found) throw new BerthError('engine', `${kind} "${name}" was neither found nor created`);
    return found.id;
  };
  const container = spec.TaskTemplate.ContainerSpec;
  return {
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: {
        ...container,
        Secrets: container.Secrets?.map((r) => ({ ...r, SecretID: id('secret', r.SecretName) })),
        Configs: container.Configs?.map((r) => ({ ...r, ConfigID: id('config', r.ConfigName) })),
      },
    },
  };
}

/**
 * Swarm lets go of a network (or object) shortly after the services using it are gone: retry
 * "in use" for a bounded time. A removal that still fails is an error naming the resource.
 */
async function whenReleased(ctx: ApplyContext, remove: () => Promise<unknown>, what: string): Promise<undefined> {
  const deadline = Date.now() + (ctx.releaseTimeout ?? 60_000);
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    try {
      await remove();
      return undefined;
    } catch (err) {
      const message = engineMessage(err);
      if (!/in use|active endpoints/i.test(message) || Date.now() > deadline) {
        throw new BerthError('engine', `${what}: ${message}`, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function ignoreMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function rethrow(service: string) {
  return (err: unknown): never => {
    throw new ServiceError('engine', service, engineMessage(err), { cause: err });
  };
}

interface DialOptions {
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  options?: unknown;
}

/**
 * A raw Engine API call. dockerode's createService sends its whole argument as registry auth
 * when given one argument, and its update puts the spec in the query string: this sends the
 * spec as the body, and only `_query` in the query string.
 */
export function dial<T = unknown>(engine: Engine, request: DialOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    engine.modem.dial(
      {
        path: request.path,
        method: request.method,
        options: request.options as Record<string, unknown> | undefined,
        statusCodes: {
          200: true,
          201: true,
          204: true,
          400: 'bad parameter',
          404: 'not found',
          409: 'conflict',
          500: 'server error',
          503: 'node is not part of a swarm',
        },
      },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as T)),
    );
  });
}
