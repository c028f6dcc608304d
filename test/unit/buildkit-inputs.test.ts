import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionContent } from '../../src/engine/buildkit-inputs.js';
import type { BuildConfig, FileObject, Service } from '../../src/model/types.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-buildkit-inputs-'));
const agentSocket = join(dir, 'agent.sock');
let agent: Server;

beforeAll(async () => {
  agent = createServer();
  await new Promise<void>((resolve) => agent.listen(agentSocket, resolve));
});
afterAll(() => {
  agent.close();
  rmSync(dir, { recursive: true, force: true });
});

const service = (build: Partial<BuildConfig>): Service => ({ name: 'app', build: { context: dir, ...build } });

describe('sessionContent', () => {
  it('reads build secrets from files and variables, under their target when they have one', () => {
    writeFileSync(join(dir, 'token.txt'), 'from-a-file');
    const secrets: Record<string, FileObject> = {
      token: { name: 'token', file: join(dir, 'token.txt') },
      key: { name: 'key', environment: 'API_KEY' },
    };
    const content = sessionContent(
      service({ secrets: [{ source: 'token' }, { source: 'key', target: 'apikey' }] }),
      secrets,
      { API_KEY: 'from-a-variable' },
    );
    expect(Object.fromEntries([...content.secrets].map(([id, value]) => [id, value.toString()]))).toEqual({
      token: 'from-a-file',
      apikey: 'from-a-variable',
    });
  });

  it('refuses a secret it cannot serve, naming the service and the secret', () => {
    const secrets: Record<string, FileObject> = {
      key: { name: 'key', environment: 'API_KEY' },
      vault: { name: 'vault', external: true },
      gone: { name: 'gone', file: join(dir, 'missing.txt') },
    };
    const refused = (source: string) => () => sessionContent(service({ secrets: [{ source }] }), secrets, {});
    expect(refused('key')).toThrow(
      /^service "app": build\.secrets: secret "key" reads the variable API_KEY, which is not set$/,
    );
    expect(refused('vault')).toThrow(/^service "app": build\.secrets: secret "vault" is external/);
    expect(refused('gone')).toThrow(/^service "app": build\.secrets: .*cannot read secret "gone" file/);
    expect(refused('unknown')).toThrow(/^service "app": build\.secrets: no secret "unknown" is defined/);
  });

  it('forwards the agent of SSH_AUTH_SOCK as default and named agent sockets, and refuses key files', () => {
    const content = sessionContent(
      service({ ssh: ['default', `work=${agentSocket}`] }),
      {},
      { SSH_AUTH_SOCK: agentSocket },
    );
    expect([...content.sshAgents]).toEqual([
      ['default', agentSocket],
      ['work', agentSocket],
    ]);
    writeFileSync(join(dir, 'id_ed25519'), 'not a socket');
    expect(() => sessionContent(service({ ssh: [`key=${join(dir, 'id_ed25519')}`] }), {}, {})).toThrow(
      /^service "app": build\.ssh "key=.*": .* is not an ssh agent socket/,
    );
    expect(() => sessionContent(service({ ssh: ['default'] }), {}, {})).toThrow(
      /^service "app": build\.ssh "default": SSH_AUTH_SOCK is not set/,
    );
  });
});
