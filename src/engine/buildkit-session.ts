// The build session BuildKit calls back into while it builds: the engine's `/session` endpoint,
// upgraded to HTTP/2, carries gRPC calls from the builder to berth. berth serves build secrets
// (`RUN --mount=type=secret`) from memory and forwards ssh agents (`RUN --mount=type=ssh`), so
// neither a secret nor a key is ever sent in the build request or written to the context.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { diffCopyMethod, FILESYNC_PROTO, serveDiffCopy, type SyncedDir } from './buildkit-filesync.js';
import type { Engine } from './connect.js';

/**
 * The messages of BuildKit's secrets and sshforward services (moby/buildkit session/secrets,
 * session/sshforward), and of gRPC's health check: the engine checks the session every second
 * and ends it at the first check that fails.
 */
const PROTOS = [
  `syntax = "proto3";
  package grpc.health.v1;
  message HealthCheckRequest { string service = 1; }
  message HealthCheckResponse { int32 status = 1; }`,
  `syntax = "proto3";
  package moby.buildkit.secrets.v1;
  message GetSecretRequest { string ID = 1; map<string, string> annotations = 2; }
  message GetSecretResponse { bytes data = 1; }`,
  `syntax = "proto3";
  package moby.sshforward.v1;
  message BytesMessage { bytes data = 1; }
  message CheckAgentRequest { string ID = 1; }
  message CheckAgentResponse {}`,
];

/** The ID BuildKit asks for when a `RUN --mount=type=ssh` names none. */
const DEFAULT_SSH_ID = 'default';

interface IdRequest {
  ID: string;
}

interface Bytes {
  data: Buffer;
}

export interface SessionContent {
  /** Secret ID -> value. */
  secrets: Map<string, Buffer>;
  /** ssh ID -> agent socket path. */
  sshAgents: Map<string, string>;
  /** A local build context: the directories BuildKit reads ("context", "dockerfile"). */
  dirs?: Map<string, SyncedDir>;
}

export interface BuildSession {
  id: string;
  close(): void;
}

/** Opens a session on the engine that serves `content`; close it once the build has ended. */
export async function openSession(engine: Engine, content: SessionContent): Promise<BuildSession> {
  const id = randomUUID();
  const root = new protobuf.Root();
  for (const proto of [...PROTOS, FILESYNC_PROTO]) protobuf.parse(proto, root, { keepCase: true });
  const secrets = unary<IdRequest, object>(
    root,
    '/moby.buildkit.secrets.v1.Secrets/GetSecret',
    'GetSecretRequest',
    'GetSecretResponse',
  );
  const checkAgent = unary<IdRequest, object>(
    root,
    '/moby.sshforward.v1.SSH/CheckAgent',
    'CheckAgentRequest',
    'CheckAgentResponse',
  );
  const bytes = root.lookupType('moby.sshforward.v1.BytesMessage');
  const forwardAgent: grpc.MethodDefinition<Bytes, Bytes> = {
    path: '/moby.sshforward.v1.SSH/ForwardAgent',
    requestStream: true,
    responseStream: true,
    ...codec<Bytes, Bytes>(bytes, bytes),
  };

  const health = unary<object, { status: number }>(
    root,
    '/grpc.health.v1.Health/Check',
    'HealthCheckRequest',
    'HealthCheckResponse',
  );

  const diffCopy = diffCopyMethod(root.lookupType('fsutil.types.Packet'));

  const server = new grpc.Server();
  server.addService(
    { DiffCopy: diffCopy },
    { DiffCopy: (call: Parameters<typeof serveDiffCopy>[0]) => serveDiffCopy(call, content.dirs ?? new Map()) },
  );
  server.addService(
    { Check: health },
    // SERVING
    { Check: (_call: unknown, done: grpc.sendUnaryData<{ status: number }>) => done(null, { status: 1 }) },
  );
  server.addService(
    { GetSecret: secrets },
    {
      GetSecret: (call: grpc.ServerUnaryCall<IdRequest, object>, done: grpc.sendUnaryData<object>) => {
        const value = content.secrets.get(call.request.ID);
        if (value) done(null, { data: value });
        else done({ code: grpc.status.NOT_FOUND, details: `secret ${call.request.ID} not found` });
      },
    },
  );
  server.addService(
    { CheckAgent: checkAgent, ForwardAgent: forwardAgent },
    {
      CheckAgent: (call: grpc.ServerUnaryCall<IdRequest, object>, done: grpc.sendUnaryData<object>) => {
        const wanted = call.request.ID || DEFAULT_SSH_ID;
        if (content.sshAgents.has(wanted)) done(null, {});
        else done({ code: grpc.status.NOT_FOUND, details: `no ssh agent for ${wanted}` });
      },
      ForwardAgent: (call: grpc.ServerDuplexStream<Bytes, Bytes>) => {
        const wanted = String(call.metadata.get('buildkit.ssh.id')[0] || DEFAULT_SSH_ID);
        const agent = content.sshAgents.get(wanted);
        if (!agent) return call.destroy(new Error(`no ssh agent for ${wanted}`));
        forward(call, agent);
      },
    },
  );

  const socket = await new Promise<Duplex>((resolve, reject) =>
    engine.modem.dial(
      {
        method: 'POST',
        path: '/session',
        hijack: true,
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'berth',
          'X-Docker-Expose-Session-Sharedkey': '',
          'X-Docker-Expose-Session-Grpc-Method': [
            health.path,
            secrets.path,
            checkAgent.path,
            forwardAgent.path,
            diffCopy.path,
          ],
        },
        statusCodes: { 101: true, 200: true, 404: 'no such endpoint', 500: 'server error' },
      } as Parameters<Engine['modem']['dial']>[0],
      (err: unknown, socket: unknown) => (err ? reject(err) : resolve(socket as Duplex)),
    ),
  );
  server.createConnectionInjector(grpc.ServerCredentials.createInsecure()).injectConnection(socket);
  return {
    id,
    close: () => {
      server.forceShutdown();
      socket.destroy();
    },
  };
}

function unary<Req, Res>(
  root: protobuf.Root,
  path: string,
  request: string,
  response: string,
): grpc.MethodDefinition<Req, Res> {
  const pkg = path.split('/')[1].replace(/\.[^.]+$/, '');
  return {
    path,
    requestStream: false,
    responseStream: false,
    ...codec<Req, Res>(root.lookupType(`${pkg}.${request}`), root.lookupType(`${pkg}.${response}`)),
  };
}

/** protobufjs encoding for a gRPC method's two message types. */
function codec<Req, Res>(request: protobuf.Type, response: protobuf.Type) {
  return {
    requestSerialize: (value: Req) => Buffer.from(request.encode(value as object).finish()),
    requestDeserialize: (data: Buffer) => request.toObject(request.decode(data), { defaults: true }) as Req,
    responseSerialize: (value: Res) => Buffer.from(response.encode(value as object).finish()),
    responseDeserialize: (data: Buffer) => response.toObject(response.decode(data), { defaults: true }) as Res,
  };
}

/** Relays one agent connection: the builder's ssh client on one end, the user's agent on the other. */
function forward(call: grpc.ServerDuplexStream<Bytes, Bytes>, agentPath: string): void {
  const agent = connect(agentPath);
  agent.on('data', (data: Buffer) => call.write({ data }));
  agent.on('end', () => call.end());
  agent.on('error', (err) => call.destroy(err));
  call.on('data', (message: Bytes) => message.data && agent.write(message.data));
  call.on('end', () => agent.end());
  call.on('error', () => agent.destroy());
}
