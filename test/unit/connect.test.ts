import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectEngine, engineOptions } from '../../src/engine/connect.js';
import { useContextFlag } from '../../src/engine/docker-context.js';
import { SshAgent } from '../../src/engine/ssh-dial.js';

interface StoredContext {
  host: string;
  skipTLSVerify?: boolean;
  tls?: Record<string, string>;
}

/** A docker CLI config folder (DOCKER_CONFIG) holding config.json and a context store, as `docker context create` writes them. */
function dockerConfig(
  options: { current?: string; configJson?: string; contexts?: Record<string, StoredContext> } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  if (options.configJson !== undefined) writeFileSync(join(dir, 'config.json'), options.configJson);
  else if (options.current)
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: options.current }));
  for (const [name, context] of Object.entries(options.contexts ?? {})) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
    const meta = {
      Name: name,
      Metadata: { Description: '' },
      Endpoints: { docker: { Host: context.host, SkipTLSVerify: context.skipTLSVerify ?? false } },
    };
    writeFileSync(join(dir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify(meta));
    if (context.tls) {
      mkdirSync(join(dir, 'contexts', 'tls', id, 'docker'), { recursive: true });
      for (const [file, text] of Object.entries(context.tls))
        writeFileSync(join(dir, 'contexts', 'tls', id, 'docker', file), text);
    }
  }
  return dir;
}

/** The environment with an empty docker config folder, so the machine's own never leaks in. */
const clean = (env: Record<string, string> = {}) => ({ DOCKER_CONFIG: dockerConfig(), ...env });

afterEach(() => useContextFlag(undefined));

describe('engine connection from the environment', () => {
  it('uses the default socket without DOCKER_HOST, and a unix:// DOCKER_HOST as given', () => {
    expect(engineOptions(clean())).toEqual({
      socketPath: '/var/run/docker.sock',
      protocol: 'http',
      describe: 'unix:///var/run/docker.sock',
    });
    expect(engineOptions(clean({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }))).toMatchObject({
      socketPath: '/run/user/1000/docker.sock',
    });
  });

  it('speaks plain HTTP to tcp:// hosts, on port 2375 by default', () => {
    expect(engineOptions(clean({ DOCKER_HOST: 'tcp://10.0.0.5' }))).toMatchObject({
      host: '10.0.0.5',
      port: 2375,
      protocol: 'http',
    });
    expect(engineOptions(clean({ DOCKER_HOST: 'tcp://engine.local:12375' }))).toMatchObject({
      host: 'engine.local',
      port: 12375,
    });
    expect(engineOptions(clean({ DOCKER_HOST: 'tcp://[::1]:2375' }))).toMatchObject({ host: '::1', port: 2375 });
  });

  it('uses TLS with the certificates from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `${f} content`);
    const options = engineOptions(
      clean({ DOCKER_HOST: 'tcp://engine.local', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir }),
    );
    expect(options).toMatchObject({ host: 'engine.local', port: 2376, protocol: 'https' });
    expect(String(options.ca)).toBe('ca.pem content');
    expect(String(options.key)).toBe('key.pem content');
    expect(options.agent).toBeUndefined();
  });

  it('takes the certificates from DOCKER_CONFIG without DOCKER_CERT_PATH, and DOCKER_TLS encrypts without verifying', () => {
    const config = dockerConfig();
    writeFileSync(join(config, 'ca.pem'), 'ca');
    const options = engineOptions({ DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://engine.local:2376', DOCKER_TLS: '1' });
    expect(options).toMatchObject({ protocol: 'https', port: 2376 });
    expect(String(options.ca)).toBe('ca');
    expect(options.cert).toBeUndefined();
    expect((options.agent as HttpsAgent | undefined)?.options).toMatchObject({ rejectUnauthorized: false });
  });

  it('names the missing certificate when TLS is asked for without one', () => {
    expect(() =>
      engineOptions(clean({ DOCKER_HOST: 'tcp://e', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' })),
    ).toThrow(/\/nonexistent\/ca.pem does not exist/);
  });

  it('refuses any other scheme, a schemeless address and a named pipe off Windows, naming the address', () => {
    expect(() => engineOptions(clean({ DOCKER_HOST: 'http://engine.local:2375' }))).toThrow(
      /^DOCKER_HOST "http:\/\/engine.local:2375": the scheme "http:\/\/" is not supported: berth speaks unix:\/\/, tcp:\/\/, ssh:\/\/$/,
    );
    expect(() => engineOptions(clean({ DOCKER_HOST: 'garbage' }))).toThrow(/^DOCKER_HOST "garbage": it has no scheme/);
    expect(() => engineOptions(clean({ DOCKER_HOST: 'fd://' }))).toThrow(/the scheme "fd:\/\/" is not supported/);
    expect(() => engineOptions(clean({ DOCKER_HOST: 'tcp://' }))).toThrow(/names no host|not a valid address/);
    expect(() => engineOptions(clean({ DOCKER_HOST: 'unix://' }))).toThrow(/names no socket path/);
    expect(() => engineOptions(clean({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }), 'linux')).toThrow(
      /a named pipe exists only on Windows/,
    );
  });

  it('opens a named pipe on Windows, where the default engine is one', () => {
    expect(engineOptions(clean({ DOCKER_HOST: 'npipe:////./pipe/dockerDesktopLinuxEngine' }), 'win32')).toMatchObject({
      socketPath: '//./pipe/dockerDesktopLinuxEngine',
    });
    expect(engineOptions(clean(), 'win32')).toEqual({
      socketPath: '//./pipe/docker_engine',
      protocol: 'http',
      describe: 'npipe:////./pipe/docker_engine',
    });
  });

  it('fails with one clear line when no engine answers', async () => {
    await expect(connectEngine(clean({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }))).rejects.toThrow(
      /^cannot reach the Docker Engine at unix:\/\/\/nonexistent\/docker.sock \(.*\): is dockerd running/,
    );
  });
});

describe('an ssh:// engine', () => {
  const sshOf = (host: string) => {
    const options = engineOptions(clean({ DOCKER_HOST: host }));
    expect(options.agent).toBeInstanceOf(SshAgent);
    return { args: (options.agent as SshAgent).args, options };
  };

  it('is dialled through ssh running docker system dial-stdio, as the docker CLI does, and never through TCP', () => {
    const { args, options } = sshOf('ssh://deploy@build.example:2222');
    expect(args).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-T',
      '-l',
      'deploy',
      '-p',
      '2222',
      '--',
      'build.example',
      'docker',
      'system',
      'dial-stdio',
    ]);
    // HTTP over the agent's ssh: neither a TCP address nor the engine client's own ssh library.
    expect(options).toMatchObject({ host: undefined, port: undefined, protocol: 'http' });
    expect(options.describe).toBe('ssh://deploy@build.example:2222');
    expect(sshOf('ssh://build.example').args).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      'build.example',
      'docker',
      'system',
      'dial-stdio',
    ]);
  });

  it('asks the far side for the socket an address path names', () => {
    expect(sshOf('ssh://u@h/run/user/1000/docker.sock').args.slice(-5)).toEqual([
      'h',
      'docker',
      '--host=unix:///run/user/1000/docker.sock',
      'system',
      'dial-stdio',
    ]);
  });

  it('keeps an address option-like or shell-like from becoming an option or a command', () => {
    expect(sshOf('ssh://-oProxyCommand=x@h').args).toEqual(
      expect.arrayContaining(['-l', '-oProxyCommand=x', '--', 'h']),
    );
    expect(() => engineOptions(clean({ DOCKER_HOST: 'ssh://u@h/run/docker.sock;reboot' }))).toThrow(
      /the socket path "\/run\/docker.sock;reboot" may hold only/,
    );
  });

  it('refuses a password, and shows it in no message', () => {
    let message = '';
    try {
      engineOptions(clean({ DOCKER_HOST: 'ssh://u:hunter2@h' }));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      'DOCKER_HOST "ssh://u:***@h": a password in the address is not supported (use an ssh key or agent)',
    );
    expect(() => engineOptions(clean({ DOCKER_HOST: 'ssh://' }))).toThrow(/names no host/);
    expect(() => engineOptions(clean({ DOCKER_HOST: 'ssh://h?x=1' }))).toThrow(/query parameters/);
  });
});

describe('docker contexts choose the engine as the docker CLI does', () => {
  const contexts = {
    remote: { host: 'ssh://ops@remote.example' },
    local: { host: 'unix:///run/local.sock' },
    secure: {
      host: 'tcp://secure.example:2376',
      tls: { 'ca.pem': 'context ca', 'cert.pem': 'context cert', 'key.pem': 'context key' },
    },
    loose: { host: 'tcp://loose.example:2376', skipTLSVerify: true },
  };

  it('DOCKER_CONTEXT names a context of the store, and errors name it', () => {
    const options = engineOptions({ DOCKER_CONFIG: dockerConfig({ contexts }), DOCKER_CONTEXT: 'local' });
    expect(options).toEqual({
      socketPath: '/run/local.sock',
      protocol: 'http',
      describe: 'unix:///run/local.sock (context "local")',
      context: 'local',
    });
    expect(engineOptions({ DOCKER_CONFIG: dockerConfig({ contexts }), DOCKER_CONTEXT: 'remote' }).describe).toBe(
      'ssh://ops@remote.example (context "remote")',
    );
  });

  it('currentContext in config.json applies when neither DOCKER_HOST nor DOCKER_CONTEXT is set', () => {
    expect(engineOptions({ DOCKER_CONFIG: dockerConfig({ contexts, current: 'local' }) })).toMatchObject({
      socketPath: '/run/local.sock',
    });
  });

  it('the order is --context, then DOCKER_HOST, then DOCKER_CONTEXT, then currentContext', () => {
    const config = dockerConfig({ contexts, current: 'remote' });
    const env = { DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///run/host.sock', DOCKER_CONTEXT: 'local' };
    expect(engineOptions(env)).toMatchObject({ socketPath: '/run/host.sock' });
    expect(engineOptions({ ...env, DOCKER_HOST: undefined })).toMatchObject({ socketPath: '/run/local.sock' });
    expect(engineOptions({ DOCKER_CONFIG: config })).toMatchObject({
      describe: 'ssh://ops@remote.example (context "remote")',
    });
    useContextFlag('secure');
    expect(engineOptions(env)).toMatchObject({ host: 'secure.example', protocol: 'https' });
  });

  it('the context named default is DOCKER_HOST, or the default socket', () => {
    const config = dockerConfig({ contexts, current: 'remote' });
    expect(engineOptions({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toMatchObject({
      socketPath: '/var/run/docker.sock',
    });
    useContextFlag('default');
    expect(engineOptions({ DOCKER_CONFIG: config })).toMatchObject({ socketPath: '/var/run/docker.sock' });
    expect(engineOptions({ DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://h:1' })).toMatchObject({ host: 'h', port: 1 });
  });

  it('takes a context TLS material from the store, and its SkipTLSVerify', () => {
    const config = dockerConfig({ contexts });
    const secure = engineOptions({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'secure' });
    expect(secure).toMatchObject({ protocol: 'https', port: 2376 });
    expect([String(secure.ca), String(secure.cert), String(secure.key)]).toEqual([
      'context ca',
      'context cert',
      'context key',
    ]);
    expect(secure.agent).toBeUndefined();
    const loose = engineOptions({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'loose' });
    expect(loose).toMatchObject({ protocol: 'https' });
    expect((loose.agent as HttpsAgent | undefined)?.options).toMatchObject({ rejectUnauthorized: false });
  });

  it('an unknown context is an error naming it and where it was named', () => {
    const config = dockerConfig({ contexts, current: 'gone' });
    expect(() => engineOptions({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nope' })).toThrow(
      /^Docker context "nope" \(from DOCKER_CONTEXT\) does not exist: .*meta\.json is missing/,
    );
    expect(() => engineOptions({ DOCKER_CONFIG: config })).toThrow(
      /^Docker context "gone" \(from currentContext in .*config\.json\) does not exist/,
    );
    useContextFlag('typo');
    expect(() => engineOptions({ DOCKER_CONFIG: config })).toThrow(
      /^Docker context "typo" \(from --context\) does not exist/,
    );
  });

  it('a context whose address berth cannot use is refused, naming the context', () => {
    const config = dockerConfig({ contexts: { odd: { host: 'http://engine:80' } } });
    expect(() => engineOptions({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'odd' })).toThrow(
      /^Docker context "odd" \(http:\/\/engine:80\): the scheme "http:\/\/" is not supported/,
    );
  });

  it('a config.json that is not JSON is an error naming it, not a silent fall back to the local engine', () => {
    expect(() => engineOptions({ DOCKER_CONFIG: dockerConfig({ configJson: '{"currentContext": ' }) })).toThrow(
      /config\.json is not valid JSON/,
    );
    expect(engineOptions({ DOCKER_CONFIG: dockerConfig({ configJson: '{"auths": {}}' }) })).toMatchObject({
      socketPath: '/var/run/docker.sock',
    });
  });
});
