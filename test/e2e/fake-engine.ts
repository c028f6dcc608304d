// A misbehaving stand-in for the Docker Engine on 127.0.0.1 (see TESTBED.md, "Faking a
// misbehaving engine"): it answers the ping as an engine does, so that berth connects, then
// stalls or answers junk on every other request. Only for the faults the real engine cannot be
// made to show (stalls, junk, an engine that is not one); everything else runs against the real engine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `stall`: never answers. `not-json`: 200 with a body that is not JSON. `wrong-shape`: 200 with
 * JSON of the wrong shape (an object where a list is expected). A function answers itself.
 */
export type Misbehaviour = 'stall' | 'not-json' | 'wrong-shape' | ((req: IncomingMessage, res: ServerResponse) => void);

export interface FakeEngine {
  /** DOCKER_HOST for it: tcp://127.0.0.1:PORT. */
  host: string;
  /** Every request but the ping, as "METHOD /path" without the query, in the order received. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeEngine(misbehaviour: Misbehaviour): Promise<FakeEngine> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0].replace(/^\/v[\d.]+\//, '/');
    if (path === '/_ping') {
      res.writeHead(200, { 'Api-Version': '1.41', 'Content-Type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'OK');
      return;
    }
    requests.push(`${req.method} ${path}`);
    if (typeof misbehaviour === 'function') return misbehaviour(req, res);
    if (misbehaviour === 'stall') return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(misbehaviour === 'not-json' ? '<html><body>502 Bad Gateway' : '{"message": "an object, not a list"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `tcp://127.0.0.1:${port}`,
    requests,
    close: async () => {
      // Stalled requests hold their connections open: cut them, or close() waits for ever.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
