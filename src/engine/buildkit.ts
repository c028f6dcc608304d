// A build through the engine's BuildKit builder: a session for the builder to call back into
// (secrets, ssh agents), the `/build` request naming it, and BuildKit's progress records
// (protobuf, in `moby.buildkit.trace` messages) turned into step lines. Loaded only when a
// build runs: gRPC and protobuf are large, and most commands never build.
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { engineMessage, ServiceError } from '../errors.js';
import { readBuildMessages } from './build-stream.js';
import { BuildKitProgress, type BuildKitStatus } from './buildkit-progress.js';
import { openSession, type SessionContent } from './buildkit-session.js';
import type { Engine } from './connect.js';

export interface BuildKitRequest {
  service: string;
  context: NodeJS.ReadableStream;
  /** `/build` query parameters, as for the classic builder. */
  query: Record<string, unknown>;
  session: SessionContent;
  onOutput: (line: string) => void;
}

/** Builds, and returns the image ID the engine reports. */
export async function buildWithBuildKit(engine: Engine, req: BuildKitRequest): Promise<string | undefined> {
  const { service } = req;
  const session = await openSession(engine, req.session).catch((err: unknown) => {
    throw new ServiceError('build', service, `cannot open a BuildKit session: ${engineMessage(err)}`, { cause: err });
  });
  try {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        engine.modem.dial(
          {
            path: '/build?',
            method: 'POST',
            file: req.context,
            options: { ...req.query, version: '2', session: session.id },
            isStream: true,
            statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
          } as Parameters<Engine['modem']['dial']>[0],
          (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream)),
        ),
      );
    } catch (err) {
      throw new ServiceError('build', service, `build failed: ${engineMessage(err)}`, { cause: err });
    }
    const progress = new BuildKitProgress(req.onOutput);
    const decode = statusDecoder();
    const outcome = await readBuildMessages(stream, service, (message) => {
      if (message.id === 'moby.buildkit.trace' && typeof message.aux === 'string') progress.update(decode(message.aux));
    });
    if (outcome.failure !== undefined) {
      const failed = progress.failure();
      const at = failed ? ` at ${failed.name}` : '';
      const lines = failed?.lastLines.length ? `\n${failed.lastLines.map((l) => `  ${l}`).join('\n')}` : '';
      throw new ServiceError('build', service, `build failed${at}: ${outcome.failure}${lines}`);
    }
    return outcome.imageId;
  } finally {
    session.close();
  }
}

/** Decodes a trace record with the schema the engine client ships for it. */
function statusDecoder(): (base64: string) => BuildKitStatus {
  const schema = createRequire(import.meta.url).resolve('dockerode/lib/proto/buildkit_status.proto');
  const type = protobuf.loadSync(schema).lookupType('moby.buildkit.v1.StatusResponse');
  return (base64) => type.toObject(type.decode(Buffer.from(base64, 'base64')), { longs: Number }) as BuildKitStatus;
}
