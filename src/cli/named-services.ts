// The services a command line names, read from how each command declares its positionals
// (`args`): the loader enables their profiles for them, as Docker Compose does.
import type { Command } from './command.js';

export function namedServices(command: Pick<Command, 'args'>, positionals: readonly string[]): string[] {
  const spec = command.args ?? '';
  if (spec === '[SERVICE...]' || spec === 'SERVICE [SERVICE...]') return [...positionals];
  if (spec.startsWith('SERVICE=')) return positionals.map((p) => p.split('=')[0]);
  if (spec.startsWith('SERVICE ')) return positionals.slice(0, 1);
  return [];
}
