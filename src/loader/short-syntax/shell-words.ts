// Command strings (`command`, `entrypoint`, hooks, `run --entrypoint`) become argv the way
// Compose splits them, so the same string runs the same program under both.

/** Splits a command string into argv as Compose does: quotes and backslashes, no expansion. */
export function splitShellWords(line: string): string[] {
  const args: string[] = [];
  let word = '';
  let started = false; // a word exists, even an empty one ('' or "")
  let quote: string | undefined;
  let escaped = false;
  for (const char of line) {
    if (escaped) {
      word += char === 't' ? '\t' : char === 'n' ? '\n' : char;
      escaped = false;
      started = true;
    } else if (char === '\\' && quote !== "'") {
      escaped = true;
    } else if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      if (started) args.push(word);
      word = '';
      started = false;
    } else if (';&|<>'.includes(char)) {
      // Compose silently drops everything from the operator on; refusing is kinder.
      throw new Error(
        `the command "${line}" uses the shell operator "${char}", which only a shell understands: ` +
          'write it as ["sh", "-c", "..."]',
      );
    } else {
      word += char;
      started = true;
    }
  }
  if (quote) throw new Error(`the command "${line}" has an unterminated ${quote} quote`);
  if (escaped) throw new Error(`the command "${line}" ends with a lone backslash`);
  if (started) args.push(word);
  return args;
}
