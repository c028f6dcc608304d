// `build` through the Engine API's classic builder (API 1.41 has no BuildKit session without
// the buildx machinery): the service's build section becomes `/build` query options, the
// engine's JSON progress becomes output lines, and a failing step becomes a ServiceError that
// names the step.
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { engineMessage, ServiceError } from '../errors.js';
import { Label, projectLabels } from '../model/labels.js';
import type { BuildConfig, Service } from '../model/types.js';
import { contextTar } from './build-context.js';
import type { Engine } from './connect.js';

export interface BuildRequest {
  /** Has `service.build`. */
  service: Service;
  /** Tag to produce: `image:` or `<project>-<service>`. */
  image: string;
  projectName: string;
  /** Values for args given without one. */
  hostEnv: Record<string, string | undefined>;
  /** Each line of build output, without its trailing newline. */
  onOutput?: (line: string) => void;
  /** `build --pull` / `--no-cache`, on top of the service's own settings. */
  pull?: boolean;
  noCache?: boolean;
}

/** Builds the service's image, tags it with `image` and `build.tags`, and returns its ID. */
export async function buildImage(engine: Engine, req: BuildRequest): Promise<string> {
  const { service } = req;
  const build = service.build;
  if (!build) throw new ServiceError('build', service.name, 'has no build section');
  rejectBuildKitOnly(service.name, build);
  const platform = buildPlatform(service, build);

  let body: NodeJS.ReadableStream;
  let dockerfile = build.dockerfile;
  let remote: string | undefined;
  if (isRemoteContext(build.context)) {
    if (build.dockerfile_inline !== undefined)
      throw new ServiceError('build', service.name, 'build.dockerfile_inline needs a local build context');
    // The engine fetches a remote context itself; the request then carries an empty body.
    remote = build.context;
    body = Readable.from([]);
  } else {
    try {
      const context = await contextTar(build.context, build.dockerfile ?? 'Dockerfile', build.dockerfile_inline);
      body = context.tar;
      dockerfile = context.dockerfile;
    } catch (err) {
      throw new ServiceError('build', service.name, (err as Error).message, { cause: err });
    }
  }

  const query: BuildQuery = {
    version: '1',
    t: req.image,
    remote,
    dockerfile,
    buildargs: buildArgs(build, req.hostEnv),
    // Compose labels built images with the project and service, after the user's own labels.
    labels: { ...build.labels, ...projectLabels(req.projectName), [Label.service]: service.name },
    target: build.target,
    networkmode: build.network,
    shmsize: build.shm_size,
    extrahosts: Object.entries(build.extra_hosts ?? {}).flatMap(([host, ips]) => ips.map((ip) => `${host}:${ip}`)),
    cachefrom: build.cache_from,
    nocache: req.noCache || build.no_cache,
    pull: req.pull || build.pull,
    platform,
    ulimits:
      build.ulimits &&
      JSON.stringify(Object.entries(build.ulimits).map(([Name, { soft, hard }]) => ({ Name, Soft: soft, Hard: hard }))),
    isolation: build.isolation,
    rm: true,
    // A failed step would otherwise leave its container behind.
    forcerm: true,
  };

  let progress: NodeJS.ReadableStream;
  try {
    progress = await engine.buildImage(body, withoutUnset(query) as Docker.ImageBuildOptions);
  } catch (err) {
    throw new ServiceError('build', service.name, `build failed: ${engineMessage(err)}`, { cause: err });
  }
  const built = await followBuild(progress, service.name, req.onOutput);
  const id = built ?? (await engine.getImage(req.image).inspect()).Id;
  for (const tag of build.tags ?? []) {
    try {
      await engine.getImage(id).tag(splitReference(tag));
    } catch (err) {
      throw new ServiceError('build', service.name, `cannot tag the image as "${tag}": ${engineMessage(err)}`, {
        cause: err,
      });
    }
  }
  return id;
}

/** `/build` query parameters; the dockerode typing lacks some and types others as a single string. */
type BuildQuery = Omit<Docker.ImageBuildOptions, 'extrahosts' | 'cachefrom'> & {
  /** Repeated in the query, one `host:ip` each, as the docker CLI sends them. */
  extrahosts?: string[];
  /** dockerode encodes the list as the JSON the engine expects. */
  cachefrom?: string[];
  /** JSON list of `{Name, Soft, Hard}`. */
  ulimits?: string;
  isolation?: string;
};

function withoutUnset(query: BuildQuery): BuildQuery {
  return Object.fromEntries(
    Object.entries(query).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as BuildQuery;
}

const BUILDKIT_ONLY: (keyof BuildConfig)[] = ['ssh', 'secrets', 'cache_to', 'additional_contexts', 'entitlements'];

/** The classic builder would silently ignore these; refusing says why the build would differ. */
function rejectBuildKitOnly(service: string, build: BuildConfig): void {
  for (const key of BUILDKIT_ONLY) {
    const value = build[key];
    const set = Array.isArray(value)
      ? value.length > 0
      : value !== undefined && Object.keys(value as object).length > 0;
    if (set)
      throw new ServiceError(
        'build',
        service,
        `build.${key} needs BuildKit, which berth cannot drive through the Engine API; remove it, or build the image with docker buildx`,
      );
  }
  if (build.privileged)
    throw new ServiceError(
      'build',
      service,
      'build.privileged needs BuildKit, which berth cannot drive through the Engine API',
    );
}

/** The classic builder produces one platform: the service's, else the single one listed. */
function buildPlatform(service: Service, build: BuildConfig): string | undefined {
  if (service.platform) return service.platform;
  const platforms = build.platforms ?? [];
  if (platforms.length > 1) {
    throw new ServiceError(
      'build',
      service.name,
      `build.platforms lists ${platforms.length} platforms; a multi-platform build needs BuildKit (set the service's platform to build one of them)`,
    );
  }
  return platforms[0];
}

/** Args given without a value take the host's, and are left out when it has none. */
function buildArgs(build: BuildConfig, hostEnv: Record<string, string | undefined>): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [key, value] of Object.entries(build.args ?? {})) {
    const resolved = value ?? hostEnv[key];
    if (resolved !== undefined) args[key] = resolved;
  }
  return args;
}

/** What Compose treats as a remote build context rather than a directory. */
function isRemoteContext(context: string): boolean {
  return ['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'].some((prefix) =>
    context.startsWith(prefix),
  );
}

function splitReference(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/')
    ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) }
    : { repo: ref, tag: 'latest' };
}

interface BuildMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string };
}

const STEP = /^Step \d+\/\d+ : /;

/** Reads the engine's JSON lines to the end; returns the built image's ID when the engine reports it. */
async function followBuild(
  progress: NodeJS.ReadableStream,
  service: string,
  onOutput?: (line: string) => void,
): Promise<string | undefined> {
  let imageId: string | undefined;
  let step: string | undefined;
  let failure: string | undefined;
  // `stream` text is not line-aligned: a RUN's output arrives as the process writes it.
  let pending = '';
  const emit = (line: string) => {
    if (STEP.test(line)) step = line;
    onOutput?.(line);
  };
  const handle = (message: BuildMessage) => {
    if (message.stream !== undefined) {
      const lines = (pending + message.stream).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line.replace(/\r$/, ''));
    } else if (message.status !== undefined && message.progress === undefined) {
      // Base image pulls (`pull`) report per layer; the progress bars are left out.
      onOutput?.(message.id ? `${message.id}: ${message.status}` : message.status);
    }
    if (message.aux?.ID) imageId = message.aux.ID;
    if (message.error !== undefined || message.errorDetail)
      failure ??= (message.errorDetail?.message ?? message.error ?? '').trim();
  };

  const decoder = new StringDecoder('utf8');
  let buffered = '';
  try {
    for await (const chunk of progress) {
      buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) handle(JSON.parse(line) as BuildMessage);
    }
    buffered += decoder.end();
    if (buffered.trim()) handle(JSON.parse(buffered) as BuildMessage);
  } catch (err) {
    throw new ServiceError('build', service, `build failed: ${(err as Error).message}`, { cause: err });
  }
  if (pending) emit(pending.replace(/\r$/, ''));
  if (failure !== undefined)
    throw new ServiceError('build', service, step ? `build failed at ${step}: ${failure}` : `build failed: ${failure}`);
  return imageId;
}
