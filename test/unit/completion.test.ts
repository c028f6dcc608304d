import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { completionCommands, completionScript, type CompletionCommand } from '../../src/cli/completion.js';
import { GLOBAL_OPTIONS } from '../../src/cli/globals.js';
import { listCommands } from '../../src/cli/main.js';

const commands: CompletionCommand[] = completionCommands(await listCommands());

/**
 * Runs bash's completion function on a command line, as bash would on TAB. The service
 * lister is a stand-in named by the first word, so no berth or compose file is needed: it
 * prints the arguments it got, then two service names.
 */
function complete(words: string[]): string[] {
  const script = completionScript('bash', commands);
  const program = [
    script,
    'fakeberth() { printf "%s\\n" "$*" > "$ARGS_FILE"; printf "web\\ndb\\n"; }',
    'COMP_WORDS=("$@")',
    'COMP_CWORD=$(( $# - 1 ))',
    '_berth',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['-c', program, 'bash', ...words], {
    encoding: 'utf8',
    env: { ...process.env, ARGS_FILE: '/dev/null' },
  });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('shell completion', () => {
  it('the completion model holds every registered command, with every flag spelling', () => {
    const names = commands.map((c) => c.name);
    for (const expected of [
      'up',
      'down',
      'pull',
      'push',
      'images',
      'pause',
      'unpause',
      'kill',
      'events',
      'wait',
      'ls',
      'stats',
      'completion',
      'version',
    ]) {
      expect(names).toContain(expected);
    }
    const kill = commands.find((c) => c.name === 'kill')!;
    expect(kill.flags).toEqual(['--signal', '-s', '--remove-orphans', '--help', '-h']);
    expect(kill.valueFlags).toEqual(['--signal', '-s']);
    expect(kill.positionals).toBe('services');
    expect(commands.find((c) => c.name === 'ls')!.positionals).toBe('none');
  });

  for (const shell of ['bash', 'zsh'] as const) {
    it(`the ${shell} script mentions every command and every flag`, () => {
      const script = completionScript(shell, commands);
      for (const c of commands) {
        expect(script).toMatch(new RegExp(`(^|[\\s'(|])${c.name}[\\s:)|]`, 'm'));
        for (const flag of c.flags) expect(script).toContain(flag);
      }
      for (const [name, o] of Object.entries(GLOBAL_OPTIONS)) {
        expect(script).toContain(`--${name}`);
        if ('short' in o) expect(script).toContain(`-${o.short}`);
      }
    });
  }

  it('the bash script is valid bash (bash -n)', () => {
    const script = completionScript('bash', commands);
    expect(script.length).toBeGreaterThan(1000);
    const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('bash completes command names, global options and command flags', () => {
    expect(complete(['berth', 'pu'])).toEqual(['pull', 'push']);
    expect(complete(['berth', '--pro'])).toEqual(['--project-name', '--project-directory', '--profile', '--progress']);
    expect(complete(['berth', '-f', 'compose.yaml', 'kill', '--'])).toEqual(['--signal', '--remove-orphans', '--help']);
  });

  it('bash completes the values of known flags', () => {
    expect(complete(['berth', 'images', '--format', ''])).toEqual(['table', 'json']);
    expect(complete(['berth', 'pull', '--policy', ''])).toEqual(['missing', 'always']);
    expect(complete(['berth', 'kill', '-s', 'SIGT'])).toEqual(['SIGTERM']);
    expect(complete(['berth', '--progress', 'p'])).toEqual(['plain']);
    expect(complete(['berth', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(complete(['berth', 'ls', ''])).toEqual([]);
  });

  it('bash completes service names from `config --services`, keeping the global options typed so far', () => {
    const file = `/tmp/berth-completion-args-${process.pid}`;
    const script = completionScript('bash', commands);
    const program = [
      script,
      'fakeberth() { printf "%s\\n" "$*" > "$ARGS_FILE"; printf "web\\ndb\\n"; }',
      'COMP_WORDS=(fakeberth -f other.yaml --profile debug stop --timeout 5 w)',
      'COMP_CWORD=8',
      '_berth',
      'printf "%s\\n" "${COMPREPLY[@]}"',
      'cat "$ARGS_FILE"; rm -f "$ARGS_FILE"',
    ].join('\n');
    const result = spawnSync('bash', ['-c', program], { encoding: 'utf8', env: { ...process.env, ARGS_FILE: file } });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'web',
      '-f other.yaml --profile debug config --services',
    ]);
  });

  it('refuses to write anything but plain names into shell code', () => {
    const bad: CompletionCommand = { name: 'x;rm', summary: '', flags: [], valueFlags: [], positionals: 'none' };
    expect(() => completionScript('bash', [bad])).toThrow(/not a plain name/);
  });
});
