// Consistency checks on the normalized project: every reference resolves, nothing is
// ambiguous. Each failure names the service and field, and the file position when known.
import { LoadError } from '../errors.js';
import { findCycle } from '../graph/graph.js';
import type { Project, Service } from '../model/types.js';
import type { Locate } from './locate.js';
import { formatPath, type PathSegment } from './paths.js';

export interface CheckContext {
  locate: Locate;
  /** Services left out by profiles: a required dependency on one is an error of its own. */
  disabled: Record<string, Service>;
  onWarning?: (message: string) => void;
}

function fail(ctx: CheckContext, path: PathSegment[], detail: string): never {
  throw new LoadError('reference', detail, { position: ctx.locate(path), path: formatPath(path) });
}

/** Throws on the first inconsistency; drops optional dependencies on absent services. */
export function checkProject(project: Project, ctx: CheckContext): void {
  for (const [name, service] of Object.entries(project.services)) {
    // Namespaces first: they point at the field that names the service, while the implicit
    // depends_on entry normalization derived from it was never written in a file.
    checkDefinition(name, service, ctx);
    checkNamespaces(project, name, service, ctx);
    checkDependencies(project, name, service, ctx);
    checkAttachments(project, name, service, ctx);
    if (service.container_name && (service.scale ?? service.deploy?.replicas ?? 1) > 1) {
      fail(
        ctx,
        ['services', name, 'container_name'],
        `container_name "${service.container_name}" cannot be used with more than one replica: container names must be unique`,
      );
    }
  }
  for (const [name, volume] of Object.entries(project.volumes)) {
    if (!volume.external) continue;
    for (const field of ['driver', 'driver_opts', 'labels'] as const) {
      if (volume[field] !== undefined)
        fail(ctx, ['volumes', name, field], `volume "${name}" is external: it cannot also set ${field}`);
    }
  }
  for (const [name, secret] of Object.entries(project.secrets)) {
    if (!secret.external && secret.file === undefined && secret.environment === undefined) {
      fail(ctx, ['secrets', name], `secret "${name}" must declare either file or environment`);
    }
  }
  const cycle = findCycle(Object.keys(project.services), (s) => Object.keys(project.services[s].depends_on ?? {}));
  if (cycle) {
    throw new LoadError('cycle', `dependency cycle between services: ${cycle.join(' -> ')}`, {
      position: ctx.locate(['services', cycle[0], 'depends_on', cycle[1]]),
      path: formatPath(['services', cycle[0], 'depends_on']),
    });
  }
}

/** A field that also has a `deploy` form: both may be given only when they agree. */
const DEPLOY_TWINS = [
  ['scale', (s: Service) => s.deploy?.replicas, 'deploy.replicas'],
  ['cpus', (s: Service) => s.deploy?.resources?.limits?.cpus, 'deploy.resources.limits.cpus'],
  ['mem_limit', (s: Service) => s.deploy?.resources?.limits?.memory, 'deploy.resources.limits.memory'],
  [
    'mem_reservation',
    (s: Service) => s.deploy?.resources?.reservations?.memory,
    'deploy.resources.reservations.memory',
  ],
  ['pids_limit', (s: Service) => s.deploy?.resources?.limits?.pids, 'deploy.resources.limits.pids'],
] as const;

const HEALTHCHECK_KINDS = ['CMD', 'CMD-SHELL', 'NONE'];

/** What a service must say about itself to be runnable, as compose-go's consistency check has it. */
function checkDefinition(name: string, service: Service, ctx: CheckContext): void {
  const at = (...path: PathSegment[]) => ['services', name, ...path];
  if (service.image === undefined && service.build === undefined) {
    fail(ctx, at(), `service "${name}" has neither an image nor a build context specified`);
  }
  if (service.build?.dockerfile !== undefined && service.build.dockerfile_inline !== undefined) {
    fail(ctx, at('build', 'dockerfile_inline'), `build.dockerfile and build.dockerfile_inline cannot be combined`);
  }
  const platforms = service.build?.platforms;
  if (platforms?.length && service.platform && !platforms.includes(service.platform)) {
    fail(
      ctx,
      at('platform'),
      `platform "${service.platform}" must be one of build.platforms (${platforms.join(', ')})`,
    );
  }
  const test = service.healthcheck?.test;
  if (test?.length && !HEALTHCHECK_KINDS.includes(test[0])) {
    fail(
      ctx,
      at('healthcheck', 'test', 0),
      `healthcheck.test must start with "CMD", "CMD-SHELL" or "NONE", not "${test[0]}"`,
    );
  }
  for (const [field, twin, twinPath] of DEPLOY_TWINS) {
    const [own, other] = [service[field], twin(service)];
    if (own !== undefined && other !== undefined && own !== other) {
      fail(ctx, at(field), `${field} (${own}) and ${twinPath} (${other}) differ: set only one of them`);
    }
  }
  for (const key of Object.keys(service.environment ?? {})) {
    if (/\s/.test(key))
      fail(
        ctx,
        at('environment', key),
        `invalid environment variable name ${JSON.stringify(key)}: a name cannot contain spaces`,
      );
  }
  service.volumes?.forEach((mount, i) => {
    if (mount.type === 'bind' && !mount.source)
      fail(ctx, at('volumes', i), `a bind mount needs a source: the host path to mount at ${mount.target}`);
  });
  service.develop?.watch?.forEach((rule, i) => {
    if (rule.action !== 'rebuild' && !rule.target)
      fail(ctx, at('develop', 'watch', i), `a "${rule.action}" watch rule needs a target`);
  });
}

/** Own keys only: a service or network called `constructor` is not Object's. */
const has = (record: object, key: string) => Object.hasOwn(record, key);

function checkDependencies(project: Project, name: string, service: Service, ctx: CheckContext): void {
  for (const [dep, how] of Object.entries(service.depends_on ?? {})) {
    if (has(project.services, dep)) continue;
    if (!how.required) {
      ctx.onWarning?.(
        `service "${name}" has an optional dependency on "${dep}", which is not part of the project; ignored`,
      );
      service.depends_on = Object.fromEntries(Object.entries(service.depends_on!).filter(([other]) => other !== dep));
      continue;
    }
    failIfDisabled(ctx, ['services', name, 'depends_on', dep], name, dep);
    fail(ctx, ['services', name, 'depends_on', dep], `service "${name}" depends on undefined service "${dep}"`);
  }
}

/** A service left out by profiles gets its own message: the fix is a profile, not a definition. */
function failIfDisabled(ctx: CheckContext, path: PathSegment[], name: string, dep: string): void {
  if (!has(ctx.disabled, dep)) return;
  const profiles = (ctx.disabled[dep].profiles ?? []).join(', ');
  fail(ctx, path, `service "${name}" depends on "${dep}", which is disabled: enable one of its profiles (${profiles})`);
}

function checkNamespaces(project: Project, name: string, service: Service, ctx: CheckContext): void {
  for (const field of ['network_mode', 'ipc', 'pid'] as const) {
    const value = service[field];
    if (value?.startsWith('service:') && !has(project.services, value.slice(8))) {
      failIfDisabled(ctx, ['services', name, field], name, value.slice(8));
      fail(ctx, ['services', name, field], `${field} refers to undefined service "${value.slice(8)}"`);
    }
  }
  // Normalization adds the default network only to services without network_mode: any here was written.
  if (service.network_mode && service.networks && Object.keys(service.networks).length > 0) {
    fail(ctx, ['services', name, 'network_mode'], `network_mode and networks cannot be combined`);
  }
  service.volumes_from?.forEach((from, i) => {
    if (from.startsWith('container:')) return;
    const target = from.replace(/^service:/, '').split(':')[0];
    if (has(project.services, target)) return;
    failIfDisabled(ctx, ['services', name, 'volumes_from', i], name, target);
    fail(ctx, ['services', name, 'volumes_from', i], `volumes_from refers to undefined service "${target}"`);
  });
  service.links?.forEach((link, i) => {
    const target = link.split(':')[0];
    if (has(project.services, target)) return;
    failIfDisabled(ctx, ['services', name, 'links', i], name, target);
    fail(ctx, ['services', name, 'links', i], `links refers to undefined service "${target}"`);
  });
}

function checkAttachments(project: Project, name: string, service: Service, ctx: CheckContext): void {
  for (const net of Object.keys(service.networks ?? {})) {
    if (!has(project.networks, net))
      fail(ctx, ['services', name, 'networks', net], `service "${name}" refers to undefined network "${net}"`);
  }
  const targets = new Map<string, number>();
  service.volumes?.forEach((mount, i) => {
    if (mount.type === 'volume' && mount.source && !has(project.volumes, mount.source)) {
      fail(
        ctx,
        ['services', name, 'volumes', i],
        `service "${name}" refers to undefined volume "${mount.source}": declare it under the top-level volumes:`,
      );
    }
    const seen = targets.get(mount.target);
    if (seen !== undefined)
      fail(
        ctx,
        ['services', name, 'volumes', i],
        `duplicate mount target "${mount.target}" (also used by volumes[${seen}])`,
      );
    targets.set(mount.target, i);
  });
  service.tmpfs?.forEach((entry, i) => {
    const target = entry.split(':')[0];
    const seen = targets.get(target);
    if (seen !== undefined)
      fail(ctx, ['services', name, 'tmpfs', i], `duplicate mount target "${target}" (also used by volumes[${seen}])`);
  });
  service.build?.secrets?.forEach((ref, i) => {
    if (!has(project.secrets, ref.source))
      fail(
        ctx,
        ['services', name, 'build', 'secrets', i],
        `service "${name}" refers to undefined build secret "${ref.source}"`,
      );
  });
  for (const kind of ['secrets', 'configs'] as const) {
    service[kind]?.forEach((ref, i) => {
      if (!has(project[kind], ref.source))
        fail(
          ctx,
          ['services', name, kind, i],
          `service "${name}" refers to undefined ${kind.slice(0, -1)} "${ref.source}"`,
        );
    });
  }
}
