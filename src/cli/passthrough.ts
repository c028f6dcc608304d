// Commands that run another command (`exec SERVICE CMD...`, `run SERVICE [CMD...]`) stop reading
// their own options at the first positional after which a command begins, as Compose does:
// `berth exec web sh -c 'exit 3'` passes `-c` to sh. A `--` right there is dropped, so
// `berth exec web -- sh -c ...` means the same.
/** What the split needs of a command's option specs. */
type OptionKinds = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Splits a command's arguments into its own (options and the leading positionals) and the passed-through rest. */
export function splitPassthrough(
  options: OptionKinds,
  args: readonly string[],
  leading: number,
): { own: string[]; rest: string[] } {
  const long = new Map(Object.entries(options).map(([name, o]) => [name, o.type]));
  const short = new Map(Object.values(options).flatMap((o) => (o.short ? [[o.short, o.type] as const] : [])));
  let positionals = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      // Everything after `--` is positional: the first `leading` of them are still ours.
      const after = args.slice(i + 1);
      const need = Math.max(0, leading - positionals);
      return { own: [...args.slice(0, i), '--', ...after.slice(0, need)], rest: after.slice(need) };
    }
    if (arg.startsWith('--') && arg.length > 2) {
      if (!arg.includes('=') && long.get(arg.slice(2)) === 'string') i++;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A group of short flags; a string option takes the rest of the group, or the next argument.
      for (let j = 1; j < arg.length; j++) {
        if (short.get(arg[j]) === 'string') {
          if (j === arg.length - 1) i++;
          break;
        }
      }
      continue;
    }
    positionals++;
    if (positionals === leading) {
      const rest = args.slice(i + 1);
      return { own: args.slice(0, i + 1), rest: rest[0] === '--' ? rest.slice(1) : rest };
    }
  }
  return { own: [...args], rest: [] };
}
