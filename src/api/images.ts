// `images`: the images the project's containers run, one entry per container, as Docker
// Compose reports them (repository and tag from the reference the container was created with).
import type Docker from 'dockerode';
import { connectEngine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';

export interface ImageSummary {
  /** The container using the image. */
  container: string;
  service: string;
  /** Full image ID (`sha256:...`). */
  id: string;
  /** Familiar repository name (`busybox`, `example.com/app`); empty when created from an ID. */
  repository: string;
  tag: string;
  /** `os/architecture[/variant]`. */
  platform: string;
  /** Bytes. */
  size: number;
  /** ISO time the image was created, when the engine knows it. */
  created?: string;
  lastTagTime?: string;
}

export interface ImagesOptions extends Pick<EngineOptions, 'engine'> {
  services?: string[];
}

export async function images(loaded: LoadedProject, options: ImagesOptions = {}): Promise<ImageSummary[]> {
  const engine = options.engine ?? (await connectEngine());
  const containers = (
    await engine.listContainers({ all: true, filters: { label: [`${Label.project}=${loaded.project.name}`] } })
  ).filter((c) => !options.services?.length || options.services.includes(c.Labels[Label.service]));
  const inspections = new Map<string, Promise<Docker.ImageInspectInfo>>();
  const list = await Promise.all(
    containers.map(async (c) => {
      // The container's image ID is what it runs, even when its tag has moved since.
      const key = c.ImageID || c.Image;
      if (!inspections.has(key)) inspections.set(key, engine.getImage(key).inspect());
      const image = await inspections.get(key)!;
      const { repository, tag } = parseReference(c.Image);
      const metadata = (image as { Metadata?: { LastTagTime?: string } }).Metadata;
      return {
        container: (c.Names[0] ?? '').replace(/^\//, ''),
        service: c.Labels[Label.service] ?? '',
        id: image.Id,
        repository,
        tag,
        platform: [image.Os, image.Architecture, (image as { Variant?: string }).Variant].filter(Boolean).join('/'),
        size: image.Size,
        created: image.Created || undefined,
        lastTagTime:
          metadata?.LastTagTime && !metadata.LastTagTime.startsWith('0001-') ? metadata.LastTagTime : undefined,
      };
    }),
  );
  return list.sort((a, b) => a.container.localeCompare(b.container));
}

/** A reference's familiar repository and tag (`latest` when none); empty for an image ID. */
export function parseReference(ref: string): { repository: string; tag: string } {
  if (/^(sha256:)?[0-9a-f]{64}$/.test(ref)) return { repository: '', tag: '' };
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  const repository = (hasTag ? name.slice(0, colon) : name).replace(/^docker\.io\/(library\/)?/, '');
  const tag = hasTag ? name.slice(colon + 1) : at >= 0 ? '' : 'latest';
  return { repository, tag };
}
