// The engine-side context every command's plan runs with.
import type { ActionContext } from '../engine/actions.js';
import { buildImage } from '../engine/build.js';
import type { Engine } from '../engine/connect.js';
import { engineThrottle } from '../engine/throttle.js';
import type { LoadedProject } from '../model/types.js';
import type { ProgressListener } from '../progress/events.js';
import type { ContainerEvents } from '../engine/wait.js';

export function actionContext(
  engine: Engine,
  loaded: LoadedProject,
  events: ContainerEvents,
  options: {
    onEvent?: ProgressListener;
    timeout?: number;
    renewAnonVolumes?: boolean;
    scale?: Record<string, number>;
    buildOptions?: { pull?: boolean; noCache?: boolean };
  },
): ActionContext {
  const onEvent = options.onEvent;
  return {
    engine,
    loaded,
    events,
    stopTimeout: options.timeout,
    renewAnonVolumes: options.renewAnonVolumes,
    scale: options.scale,
    onPullProgress: (service, line) => onEvent?.({ type: 'output', service, line }),
    build: async (service, image, tags) => {
      await buildImage(engine, {
        service,
        image,
        tags,
        projectName: loaded.project.name,
        projectSecrets: loaded.project.secrets,
        hostEnv: loaded.environment,
        ...options.buildOptions,
        onOutput: (line) => onEvent?.({ type: 'output', service: service.name, line }),
      });
    },
    warn: (message) => onEvent?.({ type: 'warning', message }),
    throttle: engineThrottle(loaded.environment),
  };
}
