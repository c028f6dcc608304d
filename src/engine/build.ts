// `build` through the engine: BuildKit when the engine offers it (the classic builder when it
// does not, or DOCKER_BUILDKIT=0). The service's build section becomes `/build` query options,
// the engine's progress becomes output lines, and a failing step becomes a ServiceError that
// names the step. The classic builder gets the context as a tar; BuildKit reads it through
// the build session. The BuildKit path is loaded only when it runs (see buildkit.ts).
import { readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { BerthError, engineMessage, ServiceError } from '../errors.js';
import { Label, projectLabels } from '../model/labels.js';
import { Redactor } from '../model/redact.js';
import type { BuildConfig, FileObject, LoadedProject, Service } from '../model/types.js';
import type { Plan } from '../reconcile/plan.js';
import { contextEntries, contextTar, dockerfileFiles } from './build-context.js';
import { diskEntry, followed, memoryEntry, type SyncedDir } from './buildkit-filesync.js';
import { readBuildMessages } from './build-stream.js';
import { sessionContent } from './buildkit-inputs.js';
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
  /** The project's `secrets:`, which `build.secrets` names. */
  projectSecrets?: Record<string, FileObject>;
  /** More tags for the same image: other services that share this build. */
  tags?: string[];
}

/** Builds the service's image, tags it with `image`, `build.tags` and `tags`, and returns its ID. */
export async function buildImage(engine: Engine, req: BuildRequest): Promise<string> {
  const { service } = req;
  const build = service.build;
  if (!build) throw new ServiceError('build', service.name, 'has no build section');
  const builder = await chooseBuilder(engine, req.hostEnv);
  checkBuild(service, builder);
  const session = builder.buildKit ? sessionContent(service, req.projectSecrets ?? {}, req.hostEnv) : undefined;
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
      if (session) {
        // BuildKit reads the context and the Dockerfile through the session, as it asks for them.
        session.dirs = await localSources(build);
        remote = 'client-session';
        dockerfile = 'Dockerfile';
        body = Readable.from([]);
      } else {
        const context = await contextTar(build.context, build.dockerfile ?? 'Dockerfile', build.dockerfile_inline);
        body = context.tar;
        dockerfile = context.dockerfile;
      }
    } catch (err) {
      throw new ServiceError('build', service.name, (err as Error).message, { cause: err });
    }
  }

  const query: BuildQuery = {
    // Every tag in one build: no second request writes a tag after the build has ended.
    t: [...new Set([req.image, ...(build.tags ?? []), ...(req.tags ?? [])])],
    remote,
    dockerfile,
    buildargs: buildArgs(build, req.hostEnv),
    // Compose labels built images with the project and service, after the user's own labels.
    labels: { ...build.labels, ...projectLabels(req.projectName), [Label.service]: service.name },
    target: build.target,
    networkmode: build.network,
    shmsize: build.shm_size,
    extrahosts: Object.entries(build.extra_hosts ?? {}).flatMap(([host, ips]) => ips.map((ip) => `${host}:${ip}`)),
    cachefrom: build.cache_from?.length ? JSON.stringify(build.cache_from) : undefined,
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

  // A RUN step may print a secret it reads: no line shows it.
  const redactor = new Redactor([...(session?.secrets.values() ?? [])].map((s) => s.toString('utf8').trim()));
  const onOutput = (line: string) => req.onOutput?.(redactor.text(line));
  onOutput(`Building with ${builder.why}`);
  const built = session
    ? await (
        await import('./buildkit.js')
      ).buildWithBuildKit(engine, {
        service: service.name,
        context: body,
        query: withoutUnset(query),
        session,
        onOutput,
      })
    : await buildClassic(engine, service.name, body, query, onOutput);
  return built ?? (await engine.getImage(req.image).inspect()).Id;
}

/** The directories a BuildKit build of a local context reads: "context", and "dockerfile" holding only the Dockerfile. */
async function localSources(build: BuildConfig): Promise<Map<string, SyncedDir>> {
  const files = await dockerfileFiles(build.context, build.dockerfile ?? 'Dockerfile', build.dockerfile_inline);
  const dockerfileDir = [memoryEntry('Dockerfile', files.dockerfile)];
  if (files.ignore) dockerfileDir.push(memoryEntry('Dockerfile.dockerignore', files.ignore));
  return new Map<string, SyncedDir>([
    [
      'context',
      async ({ followPaths, excludes }) => {
        const entries = await contextEntries(build.context, excludes);
        const synced = await Promise.all(
          entries.map(async ({ path, abs, stats }) =>
            diskEntry(path, abs, stats, stats.isSymbolicLink() ? await readlink(abs) : undefined),
          ),
        );
        return followed(synced, followPaths);
      },
    ],
    ['dockerfile', async ({ followPaths }) => followed(dockerfileDir, followPaths)],
  ]);
}

export interface Builder {
  buildKit: boolean;
  /** The builder and why, for people: "BuildKit", "the classic builder (DOCKER_BUILDKIT=0)". */
  why: string;
  /** Settings this engine's `/build` takes but does not pass to this builder. */
  ignored: (keyof BuildConfig)[];
}

/** What each engine's BuildKit offers, asked once per connection; undefined: it has none. */
const engineBuildKit = new WeakMap<Engine, Promise<Builder | undefined>>();

/**
 * BuildKit unless DOCKER_BUILDKIT turns it off, or the engine has none: BuildKit came with API
 * 1.39 on Linux engines; Windows engines and Podman's Docker API build without it.
 */
async function chooseBuilder(engine: Engine, env: Record<string, string | undefined>): Promise<Builder> {
  const flag = env.DOCKER_BUILDKIT?.trim().toLowerCase();
  if (flag) {
    if (['0', 'false'].includes(flag))
      return { buildKit: false, why: 'the classic builder (DOCKER_BUILDKIT=0)', ignored: [] };
    if (!['1', 'true'].includes(flag))
      throw new BerthError('usage', `DOCKER_BUILDKIT must be 0 or 1, got "${env.DOCKER_BUILDKIT}"`);
  }
  let offered = engineBuildKit.get(engine);
  if (!offered) {
    offered = engine.version().then((v) => {
      const offers =
        v.Os === 'linux' &&
        apiAtLeast(v.ApiVersion, 1, 39) &&
        !(v.Components ?? []).some((c) => /podman/i.test(c.Name));
      // Engine 20.10 (API 1.41) builds with BuildKit as if these were not set (seen on the test bed).
      const ignored: (keyof BuildConfig)[] = apiAtLeast(v.ApiVersion, 1, 42) ? [] : ['shm_size', 'ulimits'];
      return offers ? { buildKit: true, why: 'BuildKit', ignored } : undefined;
    });
    engineBuildKit.set(engine, offered);
  }
  const buildKit = await offered;
  if (buildKit) return buildKit;
  if (flag) throw new BerthError('build', 'DOCKER_BUILDKIT=1, but the engine has no BuildKit builder');
  return { buildKit: false, why: 'the classic builder (the engine has no BuildKit)', ignored: [] };
}

function apiAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

async function buildClassic(
  engine: Engine,
  service: string,
  body: NodeJS.ReadableStream,
  query: BuildQuery,
  onOutput: (line: string) => void,
): Promise<string | undefined> {
  let progress: NodeJS.ReadableStream;
  try {
    progress = await engine.buildImage(body, withoutUnset({ ...query, version: '1' }) as Docker.ImageBuildOptions);
  } catch (err) {
    throw new ServiceError('build', service, `build failed: ${engineMessage(err)}`, { cause: err });
  }
  return followClassic(progress, service, onOutput);
}

/** `/build` query parameters; the dockerode typing lacks some and types others as a single string. */
type BuildQuery = Omit<Docker.ImageBuildOptions, 't' | 'extrahosts' | 'cachefrom'> & {
  /** Repeated in the query, one tag each. */
  t?: string[];
  /** Repeated in the query, one `host:ip` each, as the docker CLI sends them. */
  extrahosts?: string[];
  /** A JSON list of image references. */
  cachefrom?: string;
  /** JSON list of `{Name, Soft, Hard}`. */
  ulimits?: string;
  isolation?: string;
};

function withoutUnset(query: BuildQuery): BuildQuery {
  return Object.fromEntries(
    Object.entries(query).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as BuildQuery;
}

/** Settings the Engine API gives no way to pass; BuildKit through buildx serves them. */
const NOT_IN_ENGINE_API: (keyof BuildConfig)[] = ['cache_to', 'additional_contexts', 'entitlements', 'privileged'];
/** Settings the classic builder would silently ignore. */
const BUILDKIT_ONLY: (keyof BuildConfig)[] = ['ssh', 'secrets'];

/**
 * Refuses, naming the service and the setting, what the chosen builder cannot honour: a build
 * that silently differs from the file is worse than none. Exported so that a command can check
 * every build before the first one starts.
 */
export function checkBuild(service: Service, builder: Builder): void {
  const build = service.build;
  if (!build) return;
  const refuse = (key: string, why: string) => new ServiceError('build', service.name, `build.${key} ${why}`);
  for (const key of NOT_IN_ENGINE_API)
    if (isSet(build[key]))
      throw refuse(key, 'cannot be passed through the Engine API; remove it, or build the image with docker buildx');
  if (!builder.buildKit)
    for (const key of BUILDKIT_ONLY)
      if (isSet(build[key])) throw refuse(key, `needs BuildKit, and this build uses ${builder.why}`);
  for (const key of builder.ignored)
    if (isSet(build[key]))
      throw refuse(key, 'is not passed to BuildKit by this engine; remove it, or build with DOCKER_BUILDKIT=0');
  buildPlatform(service, build);
}

/** Checks every build step of `plan` (settings, secrets, ssh agents) before any of them starts. */
export async function checkBuilds(
  engine: Engine,
  loaded: Pick<LoadedProject, 'project' | 'environment'>,
  plan: Plan,
): Promise<void> {
  const services = plan.nodes.flatMap((n) =>
    n.step.kind === 'build-image' ? [loaded.project.services[n.step.service]] : [],
  );
  if (!services.length) return;
  const builder = await chooseBuilder(engine, loaded.environment);
  for (const service of services) {
    checkBuild(service, builder);
    if (builder.buildKit) sessionContent(service, loaded.project.secrets, loaded.environment);
  }
}

function isSet(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return value !== undefined && value !== false;
}

/** The Engine API builds one platform: the service's, else the single one listed. */
function buildPlatform(service: Service, build: BuildConfig): string | undefined {
  if (service.platform) return service.platform;
  const platforms = build.platforms ?? [];
  if (platforms.length > 1) {
    throw new ServiceError(
      'build',
      service.name,
      `build.platforms lists ${platforms.length} platforms; the Engine API builds one (set the service's platform to build one of them)`,
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

const STEP = /^Step \d+\/\d+ : /;

/** Reads the classic builder's messages to the end; returns the built image's ID when the engine reports it. */
async function followClassic(
  progress: NodeJS.ReadableStream,
  service: string,
  onOutput: (line: string) => void,
): Promise<string | undefined> {
  let step: string | undefined;
  // `stream` text is not line-aligned: a RUN's output arrives as the process writes it.
  let pending = '';
  const emit = (line: string) => {
    if (STEP.test(line)) step = line;
    onOutput(line);
  };
  const { imageId, failure } = await readBuildMessages(progress, service, (message) => {
    if (message.stream !== undefined) {
      const lines = (pending + message.stream).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line.replace(/\r$/, ''));
    } else if (message.status !== undefined && message.progress === undefined) {
      // Base image pulls (`pull`) report per layer; the progress bars are left out.
      onOutput(message.id ? `${message.id}: ${message.status}` : message.status);
    }
  });
  if (pending) emit(pending.replace(/\r$/, ''));
  if (failure !== undefined)
    throw new ServiceError('build', service, step ? `build failed at ${step}: ${failure}` : `build failed: ${failure}`);
  return imageId;
}
