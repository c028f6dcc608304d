// One build per distinct build: services whose build sections are the same (context,
// Dockerfile, target, args, secrets, ...) share one build, and its image is tagged for each of
// them. A service without a build whose image another service builds joins that build instead
// of being pulled. Builds that would write the same tag run one after another.
import { canonicalJson } from '../model/hash.js';
import { imageRef } from '../model/naming.js';
import type { Project, Service } from '../model/types.js';

export interface BuildGroup {
  /** The service whose build section runs. */
  service: string;
  /** The services the build serves, `service` first. */
  services: string[];
  /** The image the build produces for `service`. */
  image: string;
  /** The other tags it writes: the images of the services sharing it, and their `build.tags`. */
  tags: string[];
  /** Indexes of earlier groups writing one of the same tags: this build waits for them. */
  after: number[];
}

/** Each image and extra tag a service's build writes, to the first service that builds it. */
export function imageBuilders(project: Project): Map<string, string> {
  const builders = new Map<string, string>();
  for (const service of Object.values(project.services)) {
    if (!service.build) continue;
    for (const tag of writtenTags(project, service)) if (!builders.has(tag)) builders.set(tag, service.name);
  }
  return builders;
}

/** Groups the builds `services` need, in the order the services are given. */
export function groupBuilds(project: Project, services: string[]): BuildGroup[] {
  const builders = imageBuilders(project);
  const byKey = new Map<string, BuildGroup>();
  for (const name of services) {
    const service = project.services[name];
    const builder = service.build ? service : project.services[builders.get(imageRef(project.name, service)) ?? ''];
    if (!builder) continue;
    const key = buildKey(builder);
    const group = byKey.get(key);
    if (!group) {
      byKey.set(key, {
        service: builder.name,
        services: [...new Set([builder.name, name])],
        image: imageRef(project.name, builder),
        tags: [],
        after: [],
      });
    } else if (!group.services.includes(name)) {
      group.services.push(name);
    }
  }
  const groups = [...byKey.values()];
  const written: Set<string>[] = [];
  for (const group of groups) {
    const tags = new Set(group.services.flatMap((name) => writtenTags(project, project.services[name])));
    tags.delete(group.image);
    group.tags = [...tags];
    const all = new Set([group.image, ...tags]);
    group.after = written.flatMap((earlier, j) => ([...all].some((t) => earlier.has(t)) ? [j] : []));
    written.push(all);
  }
  return groups;
}

/** Everything that makes two builds produce the same image; extra tags do not. */
function buildKey(service: Service): string {
  const { tags: _tags, ...build } = service.build ?? { context: '' };
  return canonicalJson({ build, platform: service.platform });
}

function writtenTags(project: Project, service: Service): string[] {
  return [imageRef(project.name, service), ...(service.build?.tags ?? [])];
}
