// An engine at an ssh:// address, reached as the docker CLI reaches it: the system's ssh runs
// `docker system dial-stdio` on the far side, and the child's stdin and stdout carry the HTTP
// connection. berth itself opens no network connection, so ssh's own configuration, keys,
// agent and known hosts apply, and nothing ever falls back to plain TCP.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { inspect } from 'node:util';

/**
 * The ssh arguments for an ssh:// address, as the docker CLI builds them: user and port as
 * options, `--` before the host so that no part of the address reads as an option. `refuse`
 * makes the error for an address berth cannot use.
 */
export function sshArgs(url: URL, refuse: (detail: string) => Error): string[] {
  if (url.password) throw refuse('a password in the address is not supported (use an ssh key or agent)');
  if (url.search || url.hash) throw refuse('query parameters and fragments are not allowed');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw refuse('it names no host');
  const args = ['-o', 'ConnectTimeout=30', '-T'];
  if (url.username) args.push('-l', decodeURIComponent(url.username));
  if (url.port) args.push('-p', url.port);
  // A path names the engine's socket on the far side. The remote shell reads the command, so
  // only characters that need no quoting get there.
  const socket = decodeURIComponent(url.pathname);
  if (socket.replace(/\//g, '') && !/^[\w./-]+$/.test(socket))
    throw refuse(`the socket path "${socket}" may hold only letters, digits, ".", "_", "-" and "/"`);
  return [
    ...args,
    '--',
    host,
    'docker',
    ...(socket.replace(/\//g, '') ? [`--host=unix://${socket}`] : []),
    'system',
    'dial-stdio',
  ];
}

/** An HTTP agent whose every connection is an ssh child process; idle ones are kept for reuse. */
export class SshAgent extends Agent {
  constructor(readonly args: string[]) {
    super({ keepAlive: true });
  }

  override createConnection(): Duplex {
    return new SshConnection(spawn('ssh', this.args, { stdio: 'pipe', windowsHide: true }));
  }

  // The engine client formats each request's options for its debug log, even when that log is
  // off: it must not walk the agent, its connections and their child processes.
  [inspect.custom](): string {
    return 'SshAgent';
  }
}

/** One ssh child, shaped as the socket Node's HTTP client expects (timeouts, ref and unref). */
class SshConnection extends Duplex {
  timeout = 0;
  private idle?: NodeJS.Timeout;
  private stderr = '';

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    // When the far side ends, this side ends too, as a TCP socket does.
    super({ allowHalfOpen: false });
    child.stdout.on('data', (chunk: Buffer) => {
      this.idle?.refresh();
      if (!this.push(chunk)) child.stdout.pause();
    });
    // ssh says on stderr why it failed; the last of it goes into the error.
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    // Writing to an ssh that has gone fails; its exit status, below, says why it went.
    child.stdin.on('error', () => undefined);
    child.on('error', (err: NodeJS.ErrnoException) =>
      this.destroy(
        new Error(
          err.code === 'ENOENT'
            ? 'no ssh command on PATH (an ssh:// address is dialled through ssh)'
            : `cannot run ssh: ${err.message}`,
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) this.push(null);
      else
        this.destroy(
          new Error(`ssh ${code === null ? `ended by ${signal}` : `exited with code ${code}`}${this.lastWords()}`),
        );
    });
  }

  private lastWords(): string {
    const lines = this.stderr
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.length ? `: ${lines.slice(-2).join('; ')}` : '';
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.idle?.refresh();
    this.child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.child.stdin.end(() => callback());
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    clearTimeout(this.idle);
    this.child.stdin.destroy();
    this.child.stdout.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    callback(err);
  }

  /** As a socket's: 'timeout' after `ms` without traffic either way (0: never). */
  setTimeout(ms: number, callback?: () => void): this {
    this.timeout = ms;
    clearTimeout(this.idle);
    this.idle = ms > 0 ? setTimeout(() => this.emit('timeout'), ms).unref() : undefined;
    if (callback) {
      if (ms > 0) this.once('timeout', callback);
      else this.removeListener('timeout', callback);
    }
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  /** An idle kept-alive connection must not keep berth running: the agent unrefs it. */
  ref(): this {
    for (const handle of this.handles()) handle.ref();
    return this;
  }

  unref(): this {
    for (const handle of this.handles()) handle.unref();
    return this;
  }

  private handles(): { ref(): unknown; unref(): unknown }[] {
    const { child } = this;
    return [child, child.stdin as Socket, child.stdout as Socket, child.stderr as Socket];
  }
}
