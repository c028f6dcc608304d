import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchInterrupts, type SignalEmitter } from '../../src/cli/interrupts.js';

/** A stand-in for the process: signals are emitted by hand. */
function emitter(): SignalEmitter & { emit(name: NodeJS.Signals): void } {
  return new EventEmitter() as unknown as SignalEmitter & { emit(name: NodeJS.Signals): void };
}

const never = new Promise<number>(() => {});

describe('watchInterrupts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('aborts the run at the first signal; the work then ends with the interrupt, whatever it failed with', async () => {
    const signals = emitter();
    const interrupts = watchInterrupts(signals, 5_000);
    let fail!: (err: Error) => void;
    const run = interrupts.race(new Promise<number>((_, reject) => (fail = reject)));
    signals.emit('SIGTERM');
    expect(interrupts.signal.aborted).toBe(true);
    fail(new Error('socket hang up'));
    await expect(run).rejects.toMatchObject({
      code: 'interrupted',
      message: 'interrupted by SIGTERM: run the command again to finish its work',
    });
    interrupts.dispose();
  });

  it('ends the run without the work when it has not wound down in time', async () => {
    const signals = emitter();
    const interrupts = watchInterrupts(signals, 5_000);
    const run = interrupts.race(never);
    signals.emit('SIGINT');
    const outcome = expect(run).rejects.toMatchObject({ code: 'interrupted' });
    await vi.advanceTimersByTimeAsync(5_000);
    await outcome;
    interrupts.dispose();
  });

  it('ends the run at once at a second signal', async () => {
    const signals = emitter();
    const interrupts = watchInterrupts(signals, 5_000);
    const run = interrupts.race(never);
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    await expect(run).rejects.toMatchObject({ message: expect.stringContaining('interrupted by SIGINT') });
    interrupts.dispose();
  });

  it('leaves a signal to a command that listens for it itself', async () => {
    const signals = emitter();
    const interrupts = watchInterrupts(signals, 5_000);
    const own = vi.fn();
    signals.on('SIGINT', own);
    const run = interrupts.race(Promise.resolve(130));
    signals.emit('SIGINT');
    expect(own).toHaveBeenCalledOnce();
    expect(interrupts.signal.aborted).toBe(false);
    await expect(run).resolves.toBe(130);
    interrupts.dispose();
  });

  it("keeps the work's own outcome when no signal came, and stops listening when disposed", async () => {
    const signals = emitter();
    const interrupts = watchInterrupts(signals, 5_000);
    await expect(interrupts.race(Promise.reject(new Error('no such service')))).rejects.toThrow('no such service');
    interrupts.dispose();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
