// Pre-checks on containers (precheck.ts runs them before `up` changes anything): a fixed
// `container_name` another container holds, and a `service:x` reference to a service left out
// of the run (`--no-deps`) that has no container. Either would otherwise stop the run half-way,
// after other containers were created.
import { isNotFound, ServiceError } from '../errors.js';
import { Label } from '../model/labels.js';
import type { Service } from '../model/types.js';
import type { PrecheckContext } from './precheck-context.js';

export async function checkContainerNames({ engine, loaded, services }: PrecheckContext): Promise<void> {
  const project = loaded.project;
  for (const name of services) {
    const wanted = project.services[name]?.container_name;
    if (!wanted) continue;
    let labels: Record<string, string>;
    try {
      labels = (await engine.getContainer(wanted).inspect()).Config.Labels ?? {};
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    // The service's own container: the plan keeps or replaces it.
    if (labels[Label.project] === project.name && labels[Label.service] === name) continue;
    const holder = labels[Label.project]
      ? `a container of project "${labels[Label.project]}"${labels[Label.service] ? ` (service "${labels[Label.service]}")` : ''}`
      : 'a container that belongs to no Compose project';
    throw new ServiceError(
      'engine',
      name,
      `container_name "${wanted}" is already taken by ${holder}: remove or rename that container, or change container_name`,
    );
  }
}

/** The services whose container a service joins or takes volumes from, with the setting that says so. */
function donors(service: Service): { setting: string; donor: string }[] {
  const found: { setting: string; donor: string }[] = [];
  for (const field of ['network_mode', 'ipc', 'pid'] as const) {
    const mode = service[field];
    if (mode?.startsWith('service:'))
      found.push({ setting: `${field}: ${mode}`, donor: mode.slice('service:'.length) });
  }
  for (const entry of service.volumes_from ?? []) {
    if (entry.startsWith('container:')) continue;
    found.push({ setting: `volumes_from: ${entry}`, donor: entry.replace(/^service:/, '').split(':')[0] });
  }
  return found;
}

/** A service left out of the run (`--no-deps`) must already have the container another one joins. */
export async function checkDonors({ engine, loaded, services }: PrecheckContext): Promise<void> {
  const needed = [...services].flatMap((name) =>
    donors(loaded.project.services[name]).flatMap((d) => (services.has(d.donor) ? [] : [{ name, ...d }])),
  );
  if (!needed.length) return;
  const containers = await engine.listContainers({
    all: true,
    filters: { label: [`${Label.project}=${loaded.project.name}`, `${Label.oneoff}=False`] },
  });
  const withContainer = new Set(containers.map((c) => c.Labels[Label.service]));
  const missing = needed.find((n) => !withContainer.has(n.donor));
  if (missing) {
    throw new ServiceError(
      'reference',
      missing.name,
      `${missing.setting} needs a container of service "${missing.donor}", and it has none: start "${missing.donor}" first, or run without --no-deps`,
    );
  }
}
