// What a build session serves, taken from the project before a build starts: build secrets
// (a file or an environment variable of the project's `secrets:`) and ssh agents (`ssh:`).
// Anything it cannot serve is refused here, naming the service and the setting.
import { statSync } from 'node:fs';
import { ServiceError } from '../errors.js';
import { readRegularFile } from '../loader/read-file.js';
import type { FileObject, Service } from '../model/types.js';
import type { SessionContent } from './buildkit-session.js';

/** Reads the service's build secrets and finds its ssh agents. */
export function sessionContent(
  service: Service,
  projectSecrets: Record<string, FileObject>,
  hostEnv: Record<string, string | undefined>,
): SessionContent {
  return {
    secrets: buildSecrets(service, projectSecrets, hostEnv),
    sshAgents: sshAgents(service, hostEnv),
  };
}

function buildSecrets(
  service: Service,
  projectSecrets: Record<string, FileObject>,
  hostEnv: Record<string, string | undefined>,
): Map<string, Buffer> {
  const refuse = (message: string) => new ServiceError('build', service.name, message);
  const secrets = new Map<string, Buffer>();
  for (const ref of service.build?.secrets ?? []) {
    const secret = projectSecrets[ref.source];
    if (!secret) throw refuse(`build.secrets: no secret "${ref.source}" is defined in the project's secrets`);
    // Docker Compose mounts a build secret under its target when it has one: that is its ID.
    const id = ref.target ?? ref.source;
    if (secret.file !== undefined) {
      try {
        secrets.set(id, readRegularFile(secret.file, { what: `secret "${ref.source}" file`, code: 'build' }));
      } catch (err) {
        throw new ServiceError('build', service.name, `build.secrets: ${(err as Error).message}`, { cause: err });
      }
    } else if (secret.environment !== undefined) {
      const value = hostEnv[secret.environment];
      if (value === undefined)
        throw refuse(
          `build.secrets: secret "${ref.source}" reads the variable ${secret.environment}, which is not set`,
        );
      secrets.set(id, Buffer.from(value));
    } else if (secret.content !== undefined) {
      secrets.set(id, Buffer.from(secret.content));
    } else {
      throw refuse(
        `build.secrets: secret "${ref.source}" is external; a build reads a secret from a file or a variable`,
      );
    }
  }
  return secrets;
}

/** `default` is the agent of SSH_AUTH_SOCK; `id=path` names an agent's socket. */
function sshAgents(service: Service, hostEnv: Record<string, string | undefined>): Map<string, string> {
  const agents = new Map<string, string>();
  for (const entry of service.build?.ssh ?? []) {
    const eq = entry.indexOf('=');
    const id = eq < 0 ? entry : entry.slice(0, eq);
    const path = eq < 0 ? (id === 'default' ? hostEnv.SSH_AUTH_SOCK : undefined) : entry.slice(eq + 1);
    const refuse = (why: string) => new ServiceError('build', service.name, `build.ssh "${entry}": ${why}`);
    if (!path)
      throw refuse(id === 'default' ? 'SSH_AUTH_SOCK is not set: start an ssh agent' : 'give it as id=<agent socket>');
    let socket = false;
    try {
      socket = statSync(path).isSocket();
    } catch {
      throw refuse(`${path} does not exist`);
    }
    // BuildKit's own client can load key files into an agent it runs; berth forwards agents only.
    if (!socket) throw refuse(`${path} is not an ssh agent socket: add the key to an ssh agent and name its socket`);
    agents.set(id, path);
  }
  return agents;
}
