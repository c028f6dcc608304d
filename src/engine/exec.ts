// Connecting local streams to a process in a container (an exec session or an attached one-off
// container): the hijacked engine connection carries stdin one way and output the other, raw
// with a TTY, multiplexed into stdout and stderr frames without one.
import type { Engine } from './connect.js';

export interface ProcessStdio {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
}

/** Where SIGWINCH is heard (the process; a plain emitter in tests). */
export interface SignalSource {
  on(signal: 'SIGWINCH', listener: () => void): unknown;
  off(signal: 'SIGWINCH', listener: () => void): unknown;
}

export interface TerminalSize {
  h: number;
  w: number;
}

/** The streams of this process. */
export function processStdio(): ProcessStdio {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** A TTY is used when both ends of the user's terminal are one (Compose's default for exec and run). */
export function isInteractiveTerminal(stdio: ProcessStdio): boolean {
  return stdio.stdin?.isTTY === true && stdio.stdout.isTTY === true;
}

/**
 * Puts the local terminal in raw mode (keys go to the container as typed: Ctrl-C included) and
 * keeps the remote terminal's size in step with it. Returns the function that restores it.
 */
export function useTerminal(
  stdio: ProcessStdio,
  resize: (size: TerminalSize) => Promise<unknown>,
  signals: SignalSource = process,
): () => void {
  const stdin = stdio.stdin;
  const raw = stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode!(true);
  const sendSize = () => {
    const { columns, rows } = stdio.stdout;
    // A size change while the process exits is harmless to miss.
    if (columns && rows) resize({ h: rows, w: columns }).catch(() => undefined);
  };
  sendSize();
  signals.on('SIGWINCH', sendSize);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    signals.off('SIGWINCH', sendSize);
    if (raw) stdin.setRawMode!(false);
  };
}

/**
 * Pipes a hijacked connection to local streams until the engine closes it. Local stdin, when
 * attached, is forwarded; its end half-closes the connection so the process reads EOF.
 */
export function pipeSession(
  engine: Engine,
  socket: NodeJS.ReadWriteStream,
  options: { tty: boolean; stdio: ProcessStdio; attachStdin: boolean },
): Promise<void> {
  const { stdio } = options;
  return new Promise<void>((resolve, reject) => {
    if (options.tty) socket.on('data', (chunk: Buffer) => stdio.stdout.write(chunk));
    else engine.modem.demuxStream(socket, stdio.stdout, stdio.stderr);

    const stdin = options.attachStdin ? stdio.stdin : undefined;
    const forward = (chunk: Buffer | string) => {
      socket.write(chunk);
    };
    const inputEnded = () => socket.end();
    if (stdin) {
      stdin.on('data', forward);
      stdin.once('end', inputEnded);
      stdin.resume();
    }
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (stdin) {
        stdin.off('data', forward);
        stdin.off('end', inputEnded);
        stdin.pause();
      }
      if (error) reject(error);
      else resolve();
    };
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err: Error) => finish(err));
  });
}

/** Waits until an exec'd process has exited (the stream may close a moment before) and returns its exit code. */
export async function execExitCode(
  exec: { inspect(): Promise<{ Running: boolean; ExitCode: number | null }> },
  attempts = 100,
): Promise<number> {
  for (let i = 0; ; i++) {
    const info = await exec.inspect();
    if (!info.Running || i >= attempts) return info.ExitCode ?? 0;
    await new Promise((r) => setTimeout(r, 50));
  }
}
