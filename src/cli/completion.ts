// `berth completion bash|zsh`: a shell completion script generated from the command
// registry, so every command and flag berth knows is completed, and nothing else. Service
// names come from `berth config --services` at completion time, with the global options
// typed so far (-f, -p, --project-directory, --env-file, --profile) kept.
import { BerthError } from '../errors.js';
import { defineCommand, type Command } from './command.js';
import { GLOBAL_OPTIONS } from './globals.js';

/** What a completion script needs to know about a command. */
export interface CompletionCommand {
  name: string;
  summary: string;
  /** Every spelling of every flag: `--timeout`, `-t`, `--help`, `-h`. */
  flags: string[];
  /** The flags that take a value. */
  valueFlags: string[];
  /** What its positional arguments are. */
  positionals: 'services' | 'shells' | 'none';
}

export type Shell = 'bash' | 'zsh';

export default defineCommand({
  name: 'completion',
  summary: 'Print a shell completion script (bash or zsh)',
  args: 'SHELL',
  options: {},
  async run(ctx, _opts, positionals) {
    const [shell, ...extra] = positionals;
    if (shell !== 'bash' && shell !== 'zsh')
      return ctx.usage(`completion: name a shell, bash or zsh${shell ? ` (got "${shell}")` : ''}`);
    if (extra.length) ctx.usage(`completion takes one argument, got ${positionals.length}`);
    ctx.stdout.write(completionScript(shell, completionCommands(await ctx.commands())));
    return 0;
  },
});

const VERSION_COMMAND: CompletionCommand = {
  name: 'version',
  summary: 'Show the berth version information',
  flags: [],
  valueFlags: [],
  positionals: 'none',
};

/** The completion model of the registry's commands (plus `version`), sorted by name. */
export function completionCommands(commands: Command[]): CompletionCommand[] {
  const list = commands.map((c): CompletionCommand => {
    const spellings = (name: string, short?: string) => [`--${name}`, ...(short ? [`-${short}`] : [])];
    const options = Object.entries(c.options);
    return {
      name: c.name,
      summary: c.summary,
      flags: [...options.flatMap(([name, o]) => spellings(name, o.short)), '--help', '-h'],
      valueFlags: options.filter(([, o]) => o.type === 'string').flatMap(([name, o]) => spellings(name, o.short)),
      positionals: c.name === 'completion' ? 'shells' : c.args?.includes('SERVICE') ? 'services' : 'none',
    };
  });
  return [...list, VERSION_COMMAND].sort((a, b) => a.name.localeCompare(b.name));
}

const globalFlags = Object.entries(GLOBAL_OPTIONS).flatMap(([name, o]) => [
  `--${name}`,
  ...('short' in o ? [`-${o.short}`] : []),
]);
const globalValueFlags = Object.entries(GLOBAL_OPTIONS)
  .filter(([, o]) => o.type === 'string')
  .flatMap(([name, o]) => [`--${name}`, ...('short' in o ? [`-${o.short}`] : [])]);

/** Values offered after a flag, by `command.flag` or by flag alone. */
const CHOICES: Record<string, string[]> = {
  'config.--format': ['yaml', 'json'],
  '--format': ['table', 'json'],
  '--policy': ['missing', 'always'],
  '--pull': ['always', 'missing', 'never'],
  '--rmi': ['local', 'all'],
  '--signal': ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'],
  '--ansi': ['never', 'always', 'auto'],
  '--progress': ['auto', 'tty', 'plain', 'quiet'],
};

function choicesFor(command: CompletionCommand, flag: string): string[] | undefined {
  return CHOICES[`${command.name}.${flag}`] ?? CHOICES[flag];
}

export function completionScript(shell: Shell, commands: CompletionCommand[]): string {
  for (const c of commands) {
    // Everything below is written into shell code: only plain names may get there.
    for (const word of [c.name, ...c.flags]) {
      if (!/^-{0,2}[A-Za-z0-9][A-Za-z0-9-]*$/.test(word))
        throw new BerthError('usage', `cannot complete "${word}": not a plain name`);
    }
  }
  return shell === 'bash' ? bashScript(commands) : zshScript(commands);
}

/** Single-quoted for sh/bash/zsh. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `case` arms for the value choices of each command's flags. */
function choiceArms(commands: CompletionCommand[], indent: string, emit: (words: string[]) => string): string[] {
  const arms: string[] = [];
  for (const c of commands) {
    for (const flag of c.valueFlags.filter((f) => f.startsWith('--'))) {
      const choices = choicesFor(c, flag);
      if (!choices) continue;
      const short = c.flags[c.flags.indexOf(flag) + 1];
      const pattern =
        short && /^-[A-Za-z0-9]$/.test(short) && c.valueFlags.includes(short)
          ? `${c.name}:${flag}|${c.name}:${short}`
          : `${c.name}:${flag}`;
      arms.push(`${indent}${pattern}) ${emit(choices)} ;;`);
    }
  }
  return arms;
}

function bashScript(commands: CompletionCommand[]): string {
  const arms = (pick: (c: CompletionCommand) => string[]) =>
    commands.map((c) => `    ${c.name}) echo ${quote(pick(c).join(' '))} ;;`).join('\n');
  const byKind = (kind: CompletionCommand['positionals']) =>
    commands
      .filter((c) => c.positionals === kind)
      .map((c) => c.name)
      .join('|') || '__none__';
  return `# bash completion for berth. Load it with:
#   source <(berth completion bash)
# or save it as /etc/bash_completion.d/berth (or ~/.local/share/bash-completion/completions/berth).

_berth_commands=${quote(commands.map((c) => c.name).join(' '))}
_berth_global_flags=${quote(globalFlags.join(' '))}
_berth_global_value_flags=${quote(globalValueFlags.join(' '))}

_berth_flags() {
  case "$1" in
${arms((c) => c.flags)}
  esac
}

_berth_value_flags() {
  case "$1" in
${arms((c) => c.valueFlags)}
  esac
}

# Service names of the project the command line describes.
_berth_services() {
  "$1" "\${@:2}" config --services 2>/dev/null
}

_berth() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmd="" word i
  local -a gargs=()
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    if [[ -n "$cmd" ]]; then
      continue
    elif [[ " $_berth_global_value_flags " == *" $word "* ]]; then
      gargs+=("$word" "\${COMP_WORDS[i+1]}")
      (( i++ ))
    elif [[ "$word" == -* ]]; then
      gargs+=("$word")
    else
      cmd="$word"
    fi
  done

  COMPREPLY=()
  if [[ -z "$cmd" ]]; then
    case "$prev" in
      -f|--file|--env-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
      --project-directory) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
      --ansi) mapfile -t COMPREPLY < <(compgen -W ${quote(CHOICES['--ansi'].join(' '))} -- "$cur"); return ;;
      --progress) mapfile -t COMPREPLY < <(compgen -W ${quote(CHOICES['--progress'].join(' '))} -- "$cur"); return ;;
      -p|--project-name|--profile) return ;;
    esac
    if [[ "$cur" == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$_berth_global_flags" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "$_berth_commands" -- "$cur")
    fi
    return
  fi

  if [[ " $(_berth_value_flags "$cmd") " == *" $prev "* ]]; then
    case "$cmd:$prev" in
${choiceArms(commands, '      ', (words) => `mapfile -t COMPREPLY < <(compgen -W ${quote(words.join(' '))} -- "$cur")`).join('\n')}
      *) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    esac
    return
  fi
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_berth_flags "$cmd")" -- "$cur")
    return
  fi
  case "$cmd" in
    ${byKind('services')})
      mapfile -t COMPREPLY < <(compgen -W "$(_berth_services "\${COMP_WORDS[0]}" "\${gargs[@]}")" -- "$cur") ;;
    ${byKind('shells')})
      mapfile -t COMPREPLY < <(compgen -W 'bash zsh' -- "$cur") ;;
  esac
}

complete -F _berth berth
`;
}

function zshScript(commands: CompletionCommand[]): string {
  const assoc = (pick: (c: CompletionCommand) => string[]) =>
    commands.map((c) => `    ${c.name} ${quote(pick(c).join(' '))}`).join('\n');
  const byKind = (kind: CompletionCommand['positionals']) =>
    commands
      .filter((c) => c.positionals === kind)
      .map((c) => c.name)
      .join('|') || '__none__';
  return `#compdef berth
# zsh completion for berth. Load it with:
#   source <(berth completion zsh)      (after compinit)
# or save it as _berth in a directory of your $fpath.

_berth() {
  local -a commands global_flags global_value_flags gargs
  local -A flags value_flags
  commands=(
${commands.map((c) => `    ${quote(`${c.name}:${c.summary.replace(/:/g, '\\:')}`)}`).join('\n')}
  )
  global_flags=(${globalFlags.join(' ')})
  global_value_flags=(${globalValueFlags.join(' ')})
  flags=(
${assoc((c) => c.flags)}
  )
  value_flags=(
${assoc((c) => c.valueFlags)}
  )

  local cmd="" word prev="\${words[CURRENT-1]}"
  integer i
  for (( i = 2; i < CURRENT; i++ )); do
    word="\${words[i]}"
    if [[ -n "$cmd" ]]; then
      continue
    elif (( \${global_value_flags[(Ie)$word]} )); then
      gargs+=("$word" "\${words[i+1]}")
      (( i++ ))
    elif [[ "$word" == -* ]]; then
      gargs+=("$word")
    else
      cmd="$word"
    fi
  done

  if [[ -z "$cmd" ]]; then
    case "$prev" in
      -f|--file|--env-file) _files; return ;;
      --project-directory) _files -/; return ;;
      --ansi) compadd -- ${CHOICES['--ansi'].join(' ')}; return ;;
      --progress) compadd -- ${CHOICES['--progress'].join(' ')}; return ;;
      -p|--project-name|--profile) return ;;
    esac
    if [[ "$PREFIX" == -* ]]; then
      compadd -- $global_flags
    else
      _describe -t commands 'berth command' commands
    fi
    return
  fi

  if [[ " \${value_flags[$cmd]} " == *" $prev "* ]]; then
    case "$cmd:$prev" in
${choiceArms(commands, '      ', (words) => `compadd -- ${words.join(' ')}`).join('\n')}
      *) _files ;;
    esac
    return
  fi
  if [[ "$PREFIX" == -* ]]; then
    compadd -- \${=flags[$cmd]}
    return
  fi
  case "$cmd" in
    ${byKind('services')})
      local -a services
      services=(\${(f)"$(\${words[1]} "\${gargs[@]}" config --services 2>/dev/null)"})
      compadd -a services ;;
    ${byKind('shells')})
      compadd -- bash zsh ;;
  esac
}

if [ "$funcstack[1]" = "_berth" ]; then
  _berth "$@"
else
  compdef _berth berth
fi
`;
}
