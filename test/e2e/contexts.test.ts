// Which engine berth talks to: docker contexts (--context, DOCKER_CONTEXT, config.json's
// currentContext) and ssh:// addresses, dialled through the system's ssh as Docker does. The
// engine is the test bed's; an unreachable one is a closed port, and the "ssh" is a stand-in
// put first on PATH that records its arguments and relays to the engine's socket.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, cliPath, useProject, type TestProject } from './harness.js';

const ENGINE_SOCKET = '/var/run/docker.sock';

/** A docker CLI config folder (DOCKER_CONFIG) with these contexts, as `docker context create` stores them. */
function dockerConfig(
  contexts: Record<string, string>,
  currentContext?: string,
  tlsFrom: Record<string, string> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-docker-config-'));
  if (currentContext) writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext }));
  for (const [name, host] of Object.entries(contexts)) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(
      join(dir, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
    );
    if (tlsFrom[name]) cpSync(tlsFrom[name], join(dir, 'contexts', 'tls', id, 'docker'), { recursive: true });
  }
  return dir;
}

/** A TCP listener on 127.0.0.1 that counts the connections it is offered. */
async function tcpListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => count };
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const { server, port } = await tcpListener();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A folder holding an executable `ssh` stand-in with this body (a Node program). */
function fakeSsh(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-fake-ssh-'));
  writeFileSync(join(dir, 'ssh'), `#!${process.execPath}\n${body}\n`);
  chmodSync(join(dir, 'ssh'), 0o755);
  return dir;
}

/**
 * Runs the built CLI with `pathFirst` ahead of everything on PATH. (The harness puts Node's own
 * folder first, which holds the system's ssh here.)
 */
function cliWithPath(project: TestProject, args: string[], env: Record<string, string>, pathFirst: string) {
  const full = cliEnv({ ...project.env, ...env });
  full.PATH = `${pathFirst}${delimiter}${full.PATH}`;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(cliPath, args, { cwd: project.dir, env: full, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Certificates as `docker context create` or a TLS-protected engine uses them: `ca` signs the
 * engine's (for 127.0.0.1) and the client's, which `client` holds as ca.pem, cert.pem and key.pem.
 */
function certificates(dir: string): { ca: string; serverKey: Buffer; serverCert: Buffer; client: string } {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...key, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=berth-test-ca');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  const signed = (name: string, subject: string, ...extra: string[]) => {
    ssl('req', ...key, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      ...extra,
    );
  };
  signed('server', '/CN=127.0.0.1', '-extfile', 'san.ext');
  signed('client', '/CN=berth-client');
  const client = join(dir, 'client');
  mkdirSync(client);
  cpSync(join(dir, 'ca.pem'), join(client, 'ca.pem'));
  cpSync(join(dir, 'client.pem'), join(client, 'cert.pem'));
  cpSync(join(dir, 'client-key.pem'), join(client, 'key.pem'));
  return {
    ca: join(dir, 'ca.pem'),
    serverKey: readFileSync(join(dir, 'server-key.pem')),
    serverCert: readFileSync(join(dir, 'server.pem')),
    client,
  };
}

/** The test bed's engine behind TLS on 127.0.0.1, asking for a client certificate signed by the CA. */
async function tlsEngine(certs: ReturnType<typeof certificates>) {
  const authorized: boolean[] = [];
  const server = createTlsServer(
    {
      key: certs.serverKey,
      cert: certs.serverCert,
      ca: readFileSync(certs.ca),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket: TLSSocket) => {
      authorized.push(socket.authorized);
      const engine = connect(ENGINE_SOCKET);
      socket.pipe(engine).pipe(socket);
      socket.on('error', () => engine.destroy());
      engine.on('error', () => socket.destroy());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`, authorized };
}

const running = async (project: TestProject) => (await project.containers('app')).filter((c) => c.State === 'running');

describe('the engine berth talks to', () => {
  let project: TestProject;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await project?.cleanup();
  });
  const temp = (dir: string) => {
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('a DOCKER_CONTEXT whose engine is unreachable makes ps and up fail naming it, and nothing runs on the local engine', async () => {
    project = await useProject('contexts');
    const port = await closedPort();
    const config = temp(dockerConfig({ broken: `tcp://127.0.0.1:${port}` }));
    const env = { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'broken', DOCKER_HOST: '' };

    const ps = await project.cli(['ps'], env);
    expect(ps.code).toBe(1);
    expect(ps.stderr).toContain(`cannot reach the Docker Engine at tcp://127.0.0.1:${port} (context "broken")`);

    const up = await project.cli(['up', '-d'], env);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('(context "broken")');
    expect(await project.containers()).toEqual([]);
  });

  it('a context pointing at the engine socket is where up, ps and down act', async () => {
    project = await useProject('contexts');
    const config = temp(dockerConfig({ local: `unix://${ENGINE_SOCKET}` }));
    const env = { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'local', DOCKER_HOST: '' };

    expect(await project.cli(['up', '-d'], env)).toMatchObject({ code: 0 });
    const [app] = await running(project);
    expect(app).toBeDefined();
    const ps = await project.cli(['ps', '-q'], env);
    expect(ps).toMatchObject({ code: 0 });
    expect(ps.stdout).toContain(app.Id.slice(0, 12));
    expect(await project.cli(['down'], env)).toMatchObject({ code: 0 });
    expect(await project.containers()).toEqual([]);
  });

  it('the context is chosen as the docker CLI chooses it: --context, then DOCKER_HOST, then DOCKER_CONTEXT, then currentContext', async () => {
    project = await useProject('contexts');
    const port = await closedPort();
    const config = temp(
      dockerConfig({ local: `unix://${ENGINE_SOCKET}`, broken: `tcp://127.0.0.1:${port}` }, 'broken'),
    );
    const closedHost = `tcp://127.0.0.1:${await closedPort()}`;

    const current = await project.cli(['ps'], { DOCKER_CONFIG: config, DOCKER_HOST: '' });
    expect(current.stderr).toContain('(context "broken")');
    expect(
      await project.cli(['up', '-d'], { DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: 'local' }),
    ).toMatchObject({ code: 0 });
    expect(await running(project)).toHaveLength(1);
    const host = await project.cli(['ps'], { DOCKER_CONFIG: config, DOCKER_HOST: closedHost, DOCKER_CONTEXT: 'local' });
    expect(host.code).toBe(1);
    expect(host.stderr).toContain(`cannot reach the Docker Engine at ${closedHost} (`);
    // The flag outranks a DOCKER_HOST the engine client would otherwise read for itself.
    const flag = await project.cli(['--context', 'local', 'down'], { DOCKER_CONFIG: config, DOCKER_HOST: closedHost });
    expect(flag).toMatchObject({ code: 0 });
    expect(await project.containers()).toEqual([]);
    const unknown = await project.cli(['--context', 'nope', 'ps'], { DOCKER_CONFIG: config });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Docker context "nope" \(from --context\) does not exist/);
  });

  it('an ssh:// engine is dialled through ssh running docker system dial-stdio, never over TCP', async () => {
    project = await useProject('contexts');
    const listener = await tcpListener();
    cleanups.push(() => listener.server.close());
    const log = join(temp(mkdtempSync(join(tmpdir(), 'berth-e2e-ssh-log-'))), 'argv.jsonl');
    // Records its arguments, then carries stdin and stdout to the engine as dial-stdio does.
    const ssh = temp(
      fakeSsh(`
require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');
const engine = require('node:net').connect(${JSON.stringify(ENGINE_SOCKET)});
process.stdin.pipe(engine);
engine.pipe(process.stdout);
engine.on('close', () => process.exit(0));`),
    );
    const address = `ssh://tester@127.0.0.1:${listener.port}`;
    const config = temp(dockerConfig({ remote: address }));
    const env = { DOCKER_CONFIG: config, DOCKER_HOST: address };

    expect(await cliWithPath(project, ['up', '-d'], env, ssh)).toMatchObject({ code: 0 });
    const [app] = await running(project);
    expect(app).toBeDefined();
    const ps = await cliWithPath(project, ['--context', 'remote', 'ps', '-q'], { DOCKER_CONFIG: config }, ssh);
    expect(ps).toMatchObject({ code: 0 });
    expect(ps.stdout).toContain(app.Id.slice(0, 12));
    expect(await cliWithPath(project, ['down'], env, ssh)).toMatchObject({ code: 0 });
    expect(await project.containers()).toEqual([]);

    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const argv of calls)
      expect(argv).toEqual([
        '-o',
        'ConnectTimeout=30',
        '-T',
        '-l',
        'tester',
        '-p',
        String(listener.port),
        '--',
        '127.0.0.1',
        'docker',
        'system',
        'dial-stdio',
      ]);
    expect(listener.connections()).toBe(0);
  });

  it('an ssh that cannot connect fails the command with its own words, and berth does not try TCP instead', async () => {
    project = await useProject('contexts');
    const listener = await tcpListener();
    cleanups.push(() => listener.server.close());
    const ssh = temp(
      fakeSsh(
        `process.stderr.write('ssh: connect to host 127.0.0.1 port ${listener.port}: Connection refused\\r\\n'); process.exit(255);`,
      ),
    );
    const address = `ssh://tester@127.0.0.1:${listener.port}`;

    const ps = await cliWithPath(project, ['ps'], { DOCKER_HOST: address }, ssh);
    expect(ps.code).toBe(1);
    expect(ps.stderr).toContain(
      `cannot reach the Docker Engine at ${address} (ssh exited with code 255: ssh: connect to host 127.0.0.1 port ${listener.port}: Connection refused)`,
    );
    expect(listener.connections()).toBe(0);
  });

  it('a tcp:// engine under DOCKER_TLS_VERIFY is reached over TLS, checked against the CA in DOCKER_CERT_PATH, with its client certificate', async () => {
    project = await useProject('contexts');
    const certs = certificates(temp(mkdtempSync(join(tmpdir(), 'berth-e2e-certs-'))));
    const engine = await tlsEngine(certs);
    cleanups.push(() => engine.server.close());
    const env = {
      DOCKER_HOST: engine.host,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certs.client,
      DOCKER_CONFIG: temp(dockerConfig({})),
    };

    expect(await project.cli(['up', '-d'], env)).toMatchObject({ code: 0 });
    expect(await running(project)).toHaveLength(1);
    expect(engine.authorized.length).toBeGreaterThan(0);
    expect(engine.authorized.every(Boolean)).toBe(true);

    // Another CA: verification fails, and DOCKER_TLS alone (encrypt, do not verify) still connects.
    const stranger = certificates(temp(mkdtempSync(join(tmpdir(), 'berth-e2e-certs-'))));
    const mixed = temp(mkdtempSync(join(tmpdir(), 'berth-e2e-certs-mixed-')));
    cpSync(certs.client, mixed, { recursive: true });
    cpSync(stranger.ca, join(mixed, 'ca.pem'));
    const unverified = await project.cli(['ps'], { ...env, DOCKER_CERT_PATH: mixed });
    expect(unverified.code).toBe(1);
    expect(unverified.stderr).toContain(`cannot reach the Docker Engine at ${engine.host} (`);
    expect(
      await project.cli(['ps'], { ...env, DOCKER_CERT_PATH: mixed, DOCKER_TLS_VERIFY: '', DOCKER_TLS: '1' }),
    ).toMatchObject({ code: 0 });
    // Plain HTTP to a TLS engine is no engine at all.
    expect((await project.cli(['ps'], { ...env, DOCKER_TLS_VERIFY: '' })).code).toBe(1);
  });

  it('a context with TLS material in the store reaches its tcp:// engine over TLS', async () => {
    project = await useProject('contexts');
    const certs = certificates(temp(mkdtempSync(join(tmpdir(), 'berth-e2e-certs-'))));
    const engine = await tlsEngine(certs);
    cleanups.push(() => engine.server.close());
    const config = temp(dockerConfig({ secure: engine.host }, 'secure', { secure: certs.client }));
    const env = { DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' };

    expect(await project.cli(['up', '-d'], env)).toMatchObject({ code: 0 });
    expect(await running(project)).toHaveLength(1);
    expect(engine.authorized.length).toBeGreaterThan(0);
    expect(await project.cli(['down'], env)).toMatchObject({ code: 0 });
    expect(await project.containers()).toEqual([]);
  });
});
