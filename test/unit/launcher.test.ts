// The berth command (scripts/launcher.sh) and the Node entry it runs (scripts/launcher.cjs),
// set up as npm installs them (reached through links) around a stand-in bundle that reports
// the environment and arguments it was started with.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const scripts = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts');
const root = mkdtempSync(join(tmpdir(), 'berth-launcher-'));
const bin = join(root, 'pkg/dist/bin');
mkdirSync(bin, { recursive: true });
copyFileSync(join(scripts, 'launcher.sh'), join(bin, 'berth'));
chmodSync(join(bin, 'berth'), 0o755);
copyFileSync(join(scripts, 'launcher.cjs'), join(bin, 'berth.cjs'));
// What the bundle saw: the variables at issue as its process started (the kernel's copy, before
// any JavaScript ran), as the CLI reads them, and its arguments. It exits with 3.
writeFileSync(
  join(bin, 'cli.cjs'),
  `const { readFileSync } = require('node:fs');
exports.main = async (args) => {
  const atStart = Object.fromEntries(readFileSync('/proc/self/environ', 'latin1').split('\\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const pick = (env) => ({ extra: env.NODE_EXTRA_CA_CERTS, handed: env.BERTH_NODE_EXTRA_CA_CERTS });
  process.stdout.write(JSON.stringify({ atStart: pick(atStart), seen: pick(process.env), args }));
  return 3;
};
`,
);
// npm links the command into a bin folder, by a relative link; a user may link that link again.
mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
symlinkSync('../../pkg/dist/bin/berth', join(root, 'node_modules/.bin/berth'));
symlinkSync(join(root, 'node_modules/.bin/berth'), join(root, 'berth-again'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Seen {
  atStart: { extra?: string; handed?: string };
  seen: { extra?: string; handed?: string };
  args: string[];
}

function run(
  command: string,
  args: string[],
  extra: string | undefined,
  cwd = root,
): Promise<{ code: number; report: Seen }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  };
  delete env.NODE_EXTRA_CA_CERTS;
  if (extra !== undefined) env.NODE_EXTRA_CA_CERTS = extra;
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { env, cwd }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      if (typeof code !== 'number') return reject(new Error(`${command} failed: ${String(error)} ${stderr}`));
      resolvePromise({ code, report: JSON.parse(stdout) as Seen });
    });
  });
}

describe('the berth command', () => {
  it('starts Node without NODE_EXTRA_CA_CERTS, and the CLI sees the value the user set', async () => {
    const { code, report } = await run(join(root, 'node_modules/.bin/berth'), ['config'], '/certs/with a space.pem');
    expect(code).toBe(3);
    expect(report.atStart).toEqual({ extra: undefined, handed: '/certs/with a space.pem' });
    expect(report.seen).toEqual({ extra: '/certs/with a space.pem', handed: undefined });
  });

  it('keeps a set but empty value apart from an unset one', async () => {
    expect((await run(join(bin, 'berth'), [], '')).report.seen).toEqual({ extra: '', handed: undefined });
    const unset = (await run(join(bin, 'berth'), [], undefined)).report;
    expect([unset.atStart, unset.seen]).toEqual([
      { extra: undefined, handed: undefined },
      { extra: undefined, handed: undefined },
    ]);
  });

  it('finds the bundle through a chain of links, and passes every argument as it was given', async () => {
    const args = ['up', '--scale', 'web=2', 'a b', '*', '$HOME', '"quoted"', '', '--'];
    const { code, report } = await run(join(root, 'berth-again'), args, undefined);
    expect(code).toBe(3);
    expect(report.args).toEqual(args);
  });

  it('runs as sh berth from its own folder', async () => {
    expect((await run('sh', ['berth', 'ps'], undefined, bin)).report.args).toEqual(['ps']);
  });
});
