// The terminal side of exec and run: raw mode while attached, the remote size kept in step
// (SIGWINCH), everything restored after; and the stream plumbing of a TTY session.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/connect.js';
import { isInteractiveTerminal, pipeSession, useTerminal, type ProcessStdio } from '../../src/engine/exec.js';

function fakeTerminal() {
  const rawModes: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (raw: boolean) => rawModes.push(raw) });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 });
  return { stdio: { stdin, stdout, stderr: new PassThrough() } as ProcessStdio, rawModes, stdin, stdout };
}

describe('useTerminal', () => {
  it('sets raw mode, sends the size now and on every SIGWINCH, and restores everything once', async () => {
    const { stdio, rawModes, stdout } = fakeTerminal();
    const signals = new EventEmitter();
    const sizes: { h: number; w: number }[] = [];
    const restore = useTerminal(stdio, async (size) => sizes.push(size), signals as never);
    expect(rawModes).toEqual([true]);
    expect(sizes).toEqual([{ h: 40, w: 120 }]);

    stdout.columns = 80;
    stdout.rows = 24;
    signals.emit('SIGWINCH');
    expect(sizes).toEqual([
      { h: 40, w: 120 },
      { h: 24, w: 80 },
    ]);

    restore();
    restore();
    expect(rawModes).toEqual([true, false]);
    signals.emit('SIGWINCH');
    expect(sizes).toHaveLength(2);
    expect(signals.listenerCount('SIGWINCH')).toBe(0);
  });

  it('leaves a stdin that is not a terminal alone, and a failed resize is not an error', async () => {
    const stdio = {
      stdin: new PassThrough(),
      stdout: Object.assign(new PassThrough(), { columns: 10, rows: 5 }),
      stderr: new PassThrough(),
    } as ProcessStdio;
    const restore = useTerminal(stdio, () => Promise.reject(new Error('container gone')), new EventEmitter() as never);
    restore();
    expect(isInteractiveTerminal(stdio)).toBe(false);
    expect(isInteractiveTerminal(fakeTerminal().stdio)).toBe(true);
  });
});

describe('pipeSession with a TTY', () => {
  it('forwards stdin to the container, its output to stdout, half-closes on end of input, and ends with the connection', async () => {
    const { stdio, stdin } = fakeTerminal();
    const socket = new PassThrough();
    const sent: string[] = [];
    let halfClosed = false;
    const fakeSocket = Object.assign(new EventEmitter(), {
      write: (chunk: Buffer) => sent.push(chunk.toString()),
      end: () => {
        halfClosed = true;
      },
      on: socket.on.bind(socket),
    });
    const out: string[] = [];
    stdio.stdout.on('data', (c: Buffer) => out.push(c.toString()));
    const session = pipeSession({} as Engine, fakeSocket as never, { tty: true, stdio, attachStdin: true });
    stdin.write('ls\r');
    socket.write('file.txt\r\n');
    stdin.end();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['ls\r']);
    expect(halfClosed).toBe(true);
    socket.end();
    socket.resume();
    await session;
    expect(out.join('')).toBe('file.txt\r\n');
    expect(stdin.listenerCount('data')).toBe(0);
  });
});
