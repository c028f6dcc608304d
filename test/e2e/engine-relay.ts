// A TCP relay in front of the engine's socket (TESTBED.md): the test's view of the wire, and a
// way to show the one fault of a real engine the tests cannot provoke on demand, a log stream
// the engine ends before the container's last lines.
import { connect, createServer, type Socket } from 'node:net';

export interface EngineRelay {
  /** DOCKER_HOST for it: tcp://127.0.0.1:PORT. */
  host: string;
  /** Every byte clients sent, as text. */
  sent(): string;
  /** The HTTP request lines clients sent, in order. */
  requestLines(): string[];
  /** Whether the first follow-logs stream is being held back (see `holdFollowLogsAfter`). */
  holding(): boolean;
  /** Ends the held stream's connection, as an engine that ends a log stream early. */
  cut(): void;
  close(): Promise<void>;
}

export interface RelayOptions {
  /** The first `GET /containers/ID/logs?follow=...` answer passes this many bytes, then nothing more. */
  holdFollowLogsAfter?: number;
}

const REQUEST_LINE = /^(?:GET|HEAD|POST|PUT|DELETE) \S+ HTTP\/1\.[01]$/gm;
const FOLLOW_LOGS = /^GET \S*\/containers\/[^/]+\/logs\?\S*follow=(?:1|true)\b/m;

export async function engineRelay(options: RelayOptions = {}): Promise<EngineRelay> {
  const socketPath = process.env.DOCKER_HOST?.startsWith('unix://')
    ? process.env.DOCKER_HOST.slice('unix://'.length)
    : '/var/run/docker.sock';
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let armed = options.holdFollowLogsAfter !== undefined;
  let held: { client: Socket; engine: Socket; passed: number; full: boolean } | undefined;
  const server = createServer((client) => {
    const engine = connect(socketPath);
    sockets.add(client).add(engine);
    client.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // docker-modem sends one request at a time on a connection: what follows is its answer.
      if (armed && FOLLOW_LOGS.test(chunk.toString('latin1'))) {
        armed = false;
        held = { client, engine, passed: 0, full: false };
      }
      engine.write(chunk);
    });
    engine.on('data', (chunk: Buffer) => {
      if (held?.engine !== engine) return void client.write(chunk);
      const room = options.holdFollowLogsAfter! - held.passed;
      if (room > 0) client.write(chunk.subarray(0, room));
      held.passed += Math.min(room, chunk.length);
      held.full ||= chunk.length >= room;
    });
    client.on('close', () => engine.destroy());
    engine.on('close', () => client.destroy());
    client.on('error', () => engine.destroy());
    engine.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const sent = () => Buffer.concat(chunks).toString('latin1');
  return {
    host: `tcp://127.0.0.1:${port}`,
    sent,
    requestLines: () => sent().match(REQUEST_LINE) ?? [],
    holding: () => held?.full ?? false,
    cut: () => {
      held?.client.destroy();
      held?.engine.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
