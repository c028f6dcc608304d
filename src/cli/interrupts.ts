// What SIGINT and SIGTERM do to a run. A command that listens for one itself gives it a meaning
// of its own (attached output stops the containers, logs -f ends its stream, run passes it on to
// the container). Otherwise the first one aborts the run's signal: waits end at once, engine
// requests get a moment to finish (engine/guard.ts), and the command ends with an error. Should
// it still be running WIND_DOWN_MS later, or at a second signal, the run ends without it.
import { BerthError } from '../errors.js';

/** How long an interrupted command may take to wind down (release its lock) before the run ends anyway. */
export const WIND_DOWN_MS = 5_000;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The process, or a stand-in in tests. */
export interface SignalEmitter {
  on(event: NodeJS.Signals, listener: () => void): unknown;
  off(event: NodeJS.Signals, listener: () => void): unknown;
  listenerCount(event: NodeJS.Signals): number;
}

export interface Interrupts {
  /** Aborted at the first signal the command does not listen for, with an `interrupted` error. */
  signal: AbortSignal;
  /** `work`'s outcome; once interrupted, the interrupt's error, at the latest WIND_DOWN_MS later. */
  race<T>(work: Promise<T>): Promise<T>;
  /** Stops listening. */
  dispose(): void;
}

export function watchInterrupts(emitter: SignalEmitter = process, windDownMs = WIND_DOWN_MS): Interrupts {
  const controller = new AbortController();
  let end!: (reason: unknown) => void;
  const ended = new Promise<never>((_, reject) => (end = reject));
  ended.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const listeners = SIGNALS.map((name) => {
    const listener = () => {
      if (emitter.listenerCount(name) > 1) return;
      if (controller.signal.aborted) return end(controller.signal.reason);
      controller.abort(
        new BerthError('interrupted', `interrupted by ${name}: run the command again to finish its work`),
      );
      timer = setTimeout(() => end(controller.signal.reason), windDownMs);
    };
    emitter.on(name, listener);
    return [name, listener] as const;
  });
  return {
    signal: controller.signal,
    // After an interrupt, whatever error the work ends with is a consequence of it.
    race: (work) =>
      Promise.race([
        work.catch((err: unknown) => Promise.reject(controller.signal.aborted ? controller.signal.reason : err)),
        ended,
      ]),
    dispose: () => {
      clearTimeout(timer);
      for (const [name, listener] of listeners) emitter.off(name, listener);
    },
  };
}
