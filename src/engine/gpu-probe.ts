// Finds a GPU request the engine cannot satisfy before any stage of a pipeline runs, instead of
// when the GPU stage starts hours later. The engine checks device requests only when it starts
// a container, so the probe starts a throwaway one whose entrypoint does not exist: the engine
// resolves the device request first, then fails to run the missing program. Failing on that
// program means the GPUs were granted; failing on anything else is what the host lacks.
import { randomBytes } from 'node:crypto';
import { engineMessage, isNotFound, ServiceError } from '../errors.js';
import { imageRef } from '../model/naming.js';
import type { Project } from '../model/types.js';
import { describeGpus } from '../reconcile/gpus.js';
import { engineCapabilities } from './capabilities.js';
import type { Engine } from './connect.js';
import { deviceRequests } from './convert-resources.js';
import { containerCreateRequest } from './request-body.js';

const MISSING_PROGRAM = '/berth-gpu-probe-does-not-exist';

/** Throws a ServiceError naming the first service whose GPU request this engine refuses. */
export async function probeGpus(engine: Engine, project: Project, services: string[]): Promise<void> {
  await Promise.all(
    services.map(async (name) => {
      const service = project.services[name];
      // Throws, naming the service, where the engine cannot take the requests at all (older Podman).
      const requests = deviceRequests(service, await engineCapabilities(engine));
      if (!requests.length || !describeGpus(service)) return;
      const refusal = await refusalOf(engine, imageRef(project.name, service), requests);
      if (refusal)
        throw new ServiceError(
          'engine',
          name,
          `asks for GPUs (${describeGpus(service)}) that this engine cannot give: ${refusal}. ` +
            'Install the NVIDIA Container Toolkit and restart the engine, or remove the GPU request (deploy.resources.reservations.devices / gpus)',
        );
    }),
  );
}

/** The engine's reason for refusing the device requests, or undefined when it granted them. */
async function refusalOf(
  engine: Engine,
  image: string,
  requests: ReturnType<typeof deviceRequests>,
): Promise<string | undefined> {
  const container = await engine.createContainer(
    containerCreateRequest({
      name: `berth-gpu-probe-${randomBytes(6).toString('hex')}`,
      Image: image,
      Entrypoint: [MISSING_PROGRAM],
      Cmd: [],
      HostConfig: { DeviceRequests: requests, NetworkMode: 'none' },
    }),
  );
  try {
    await container.start();
    // A program by that name after all: the devices were granted.
    return undefined;
  } catch (err) {
    const message = engineMessage(err);
    return message.includes(MISSING_PROGRAM) ? undefined : message;
  } finally {
    await container.remove({ force: true }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}
