// Attaching to a container's streams over one hijacked connection, the request made as the
// Docker CLI makes it: the options in the query, an empty body. dockerode also writes its attach
// options into the body as JSON (apocas/dockerode#742); dockerd ignores a body there, but Podman
// hands every byte after the request's headers to the container as its first input.
import type { Engine } from './connect.js';

/** The container's stdout and stderr to read, and its stdin to write when `stdin` (end it for EOF). */
export function attachContainer(
  engine: Engine,
  containerId: string,
  options: { stdin: boolean },
): Promise<NodeJS.ReadWriteStream> {
  return new Promise((resolve, reject) =>
    engine.modem.dial(
      {
        method: 'POST',
        path: `/containers/${containerId}/attach?`,
        options: { _query: { stream: true, stdin: options.stdin, stdout: true, stderr: true } },
        // An empty buffer as the body: docker-modem sends Content-Length: 0 and ends the request.
        // (With no body at all it sends a chunked one, whose closing chunk Podman passes on too.)
        file: Buffer.alloc(0),
        headers: { 'Content-Type': 'text/plain' },
        hijack: true,
        isStream: true,
        statusCodes: { 101: true, 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as NodeJS.ReadWriteStream)),
    ),
  );
}
