// How commands read their arguments: exec and run take their own options up to the service
// name (the rest is the command's argv), and a command refuses arguments it does not take.
import { describe, expect, it } from 'vitest';
import { defineCommand, parseCommandArgs, type OptionSpec } from '../../src/cli/command.js';
import { splitPassthrough } from '../../src/cli/passthrough.js';

const options: Record<string, OptionSpec> = {
  detach: { type: 'boolean', short: 'd', description: '' },
  'no-TTY': { type: 'boolean', short: 'T', description: '' },
  env: { type: 'string', short: 'e', multiple: true, description: '' },
  user: { type: 'string', short: 'u', description: '' },
  index: { type: 'string', description: '' },
};

describe('splitPassthrough', () => {
  it('ends berth options at the service: the command keeps its own dashes', () => {
    expect(splitPassthrough(options, ['-T', 'web', 'sh', '-c', 'exit 3'], 1)).toEqual({
      own: ['-T', 'web'],
      rest: ['sh', '-c', 'exit 3'],
    });
  });

  it('skips the values of string options, in every spelling', () => {
    expect(
      splitPassthrough(
        options,
        ['-e', 'A=1', '--user', 'root', '--index=2', '-uroot', '-dTe', 'B=2', 'web', 'ls', '-l'],
        1,
      ),
    ).toEqual({
      own: ['-e', 'A=1', '--user', 'root', '--index=2', '-uroot', '-dTe', 'B=2', 'web'],
      rest: ['ls', '-l'],
    });
  });

  it('drops a -- between the service and the command, and reads a service given after --', () => {
    expect(splitPassthrough(options, ['web', '--', 'sh', '-c', 'x'], 1)).toEqual({
      own: ['web'],
      rest: ['sh', '-c', 'x'],
    });
    expect(splitPassthrough(options, ['-d', '--', 'web', '--help'], 1)).toEqual({
      own: ['-d', '--', 'web'],
      rest: ['--help'],
    });
  });

  it('passes nothing through when no service is given', () => {
    expect(splitPassthrough(options, ['-d', '--index', '2'], 1)).toEqual({ own: ['-d', '--index', '2'], rest: [] });
  });
});

describe('parseCommandArgs', () => {
  const command = (args?: string) => defineCommand({ name: 'demo', summary: '', args, options, run: async () => 0 });

  it('refuses arguments a command does not take, instead of ignoring them', () => {
    expect(() => parseCommandArgs(command(), ['-d', 'web'])).toThrow(/demo takes no arguments, got "web"/);
    expect(parseCommandArgs(command('[SERVICE...]'), ['-d', 'web']).positionals).toEqual(['web']);
  });
});
