// What berth prints itself (errors, warnings, progress) masks every secret value it knows,
// learned from the shell, the env files as they are read, and the loaded project.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { OutputMask } from '../../src/cli/output-mask.js';
import { MASK } from '../../src/model/redact.js';
import { createRenderer } from '../../src/progress/render.js';
import { lines, tempTree } from './loader-helpers.js';

const PASSWORD = 'dotenv-Pa55word-77';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: false });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString() };
}

describe('OutputMask', () => {
  it('masks text written to its stream with the values learned so far, and passes bytes (container output) as they are', () => {
    const mask = new OutputMask({ SHELL_TOKEN: 'shell-t0ken', HOME: '/root/home' });
    const out = capture();
    const masked = mask.stream(out.stream);
    masked.write('a shell-t0ken and /root/home\n');
    masked.write(`before ${PASSWORD}\n`);
    mask.learn([PASSWORD]);
    masked.write(`after ${PASSWORD}\n`);
    masked.write(Buffer.from('bytes shell-t0ken\n'));
    expect(out.text()).toBe(`a ${MASK} and /root/home\nbefore ${PASSWORD}\nafter ${MASK}\nbytes shell-t0ken\n`);
    expect(masked.isTTY).toBe(false);
  });
});

describe('the progress renderer', () => {
  it('masks the text of every event before it is drawn', () => {
    const out = capture();
    const renderer = createRenderer(out.stream, 'plain', (text) => text.replaceAll(PASSWORD, MASK));
    renderer.listener({
      type: 'step',
      id: 'start:web',
      kind: 'start-container',
      resource: 'Container p-web-1',
      status: 'failed',
      text: 'Error',
      reason: '',
      error: `exec: "/x-${PASSWORD}": not found`,
    });
    renderer.listener({ type: 'warning', message: `w ${PASSWORD}` });
    renderer.listener({ type: 'output', service: 'web', line: `token ${PASSWORD}` });
    expect(out.text()).toBe(
      ` Container p-web-1  Error: exec: "/x-${MASK}": not found\nwarning: w ${MASK}\nweb | token ${MASK}\n`,
    );
  });
});

describe('the berth command', () => {
  async function run(argv: string[]) {
    const stdout = capture();
    const stderr = capture();
    const code = await main(argv, stdout.stream, stderr.stream);
    return { code, out: stdout.text(), err: stderr.text() };
  }

  it('masks a .env password in an error raised after loading, as in one the loader words itself', async () => {
    // container_name is checked after merging: the message quotes the interpolated value, which the edge masks.
    const dir = tempTree({
      'compose.yaml': lines(
        'services:',
        '  web:',
        '    image: busybox',
        '    container_name: "c-${DB_PASSWORD}"',
        '    scale: 2',
      ),
      '.env': `DB_PASSWORD=${PASSWORD}\n`,
    });
    const result = await run(['--project-directory', dir, 'config']);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `error: ${dir}/compose.yaml:4:21: services.web.container_name: container_name "c-${MASK}" cannot be used with more than one replica: container names must be unique\n`,
    );
  });

  it('prints a *_FILE variable, a path, as it is', async () => {
    const dir = tempTree({
      'compose.yaml': lines(
        'services:',
        '  db:',
        '    image: busybox',
        '    environment:',
        '      POSTGRES_PASSWORD_FILE: /run/secrets/db-password-file',
      ),
    });
    const result = await run(['--project-directory', dir, 'config']);
    expect(result.out).toContain('POSTGRES_PASSWORD_FILE: /run/secrets/db-password-file');
  });
});
