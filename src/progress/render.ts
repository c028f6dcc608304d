// Rendering progress events: listr2 task lines on a terminal, one plain line per event
// otherwise (CI logs, pipes). Progress goes to stderr so stdout stays for command output.
import type { ProgressEvent, ProgressListener } from './events.js';

export interface Renderer {
  listener: ProgressListener;
  /** Waits until everything reported so far is drawn. */
  finish(): Promise<void>;
}

/**
 * `redact` masks secret values in the text of each event before it is drawn: listr2 draws on
 * its own output and cuts long titles to the terminal's width, past where a stream could mask.
 */
export function createRenderer(
  stream: NodeJS.WriteStream = process.stderr,
  mode: 'auto' | 'tty' | 'plain' | 'quiet' = 'auto',
  redact: (text: string) => string = (text) => text,
): Renderer {
  if (mode === 'quiet') return { listener: () => {}, finish: async () => {} };
  // A terminal that reports no width (some CI runners, a detached pty) cannot lay out task lines.
  const tty = mode === 'tty' || (mode === 'auto' && stream.isTTY === true && stream.columns > 0);
  const renderer = tty ? listrRenderer(stream) : plainRenderer(stream);
  return { ...renderer, listener: (event) => renderer.listener(redactEvent(event, redact)) };
}

/** The event with its human text masked; ids, kinds and statuses are berth's own words. */
function redactEvent(event: ProgressEvent, redact: (text: string) => string): ProgressEvent {
  switch (event.type) {
    case 'step':
      return {
        ...event,
        resource: redact(event.resource),
        text: redact(event.text),
        reason: redact(event.reason),
        error: event.error === undefined ? undefined : redact(event.error),
      };
    case 'warning':
      return { ...event, message: redact(event.message) };
    case 'output':
      return { ...event, line: redact(event.line) };
    case 'plan':
      return event;
  }
}

function plainRenderer(stream: NodeJS.WriteStream): Renderer {
  // A plain log gets a line now and then, not one a second.
  const clock = new WaitClock(PLAIN_TICK_MS, (event, seconds) => stream.write(`${stepTitle(event)} (${seconds} s)\n`));
  const listener: ProgressListener = (event) => {
    if (event.type === 'step') clock.follow(event);
    const line = plainLine(event);
    if (line !== undefined) stream.write(`${line}\n`);
  };
  return { listener, finish: async () => clock.stopAll() };
}

const PLAIN_TICK_MS = 5000;
const TTY_TICK_MS = 1000;

/** Counts the seconds of each wait in progress (`Service db  Waiting for healthy (3 s)`) until its step settles. */
class WaitClock {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly everyMs: number,
    private readonly tick: (event: StepEvent, seconds: number) => void,
  ) {}

  follow(event: StepEvent): void {
    if (event.kind !== 'await-service') return;
    clearInterval(this.timers.get(event.id));
    this.timers.delete(event.id);
    if (event.status !== 'started') return;
    const since = Date.now();
    const timer = setInterval(() => this.tick(event, Math.round((Date.now() - since) / 1000)), this.everyMs);
    // A wait left running never keeps the process alive.
    timer.unref();
    this.timers.set(event.id, timer);
  }

  stopAll(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}

/** One line for an event, as printed when stderr is not a terminal. */
export function plainLine(event: ProgressEvent): string | undefined {
  switch (event.type) {
    case 'step':
      if (event.status === 'failed') return ` ${event.resource}  Error: ${event.error ?? 'failed'}`;
      return event.text ? stepTitle(event) : undefined;
    case 'warning':
      return `warning: ${event.message}`;
    case 'output':
      return `${event.service} | ${event.line}`;
    case 'plan':
      return undefined;
  }
}

/** Replacing or restarting something the user has running is said with why, the first time. */
const EXPLAINED = new Set(['recreate-container', 'recreate-network', 'restart-container']);

/** ` Container proj-web-1  Recreating (environment.DEBUG: "0" -> "1")` */
type StepEvent = Extract<ProgressEvent, { type: 'step' }>;

function stepTitle(event: StepEvent, always = false): string {
  const shown =
    EXPLAINED.has(event.kind) && (always || event.status === 'started') && !event.text.includes(event.reason);
  const why = shown ? ` (${event.reason})` : '';
  return ` ${event.resource}  ${event.text}${why}`;
}

/** A step's task line: created when the plan is announced, settled by the step's events. */
class TaskLine {
  title: string;
  task?: { title: string };
  readonly done: Promise<void>;
  settle!: (error?: Error) => void;

  constructor(title: string) {
    this.title = title;
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
    this.done.catch(() => undefined);
  }

  setTitle(title: string): void {
    this.title = title;
    if (this.task) this.task.title = title;
  }
}

function listrRenderer(stream: NodeJS.WriteStream): Renderer {
  const runs: Promise<unknown>[] = [];
  const lines = new Map<string, TaskLine>();
  const clock = new WaitClock(TTY_TICK_MS, (event, seconds) =>
    lines.get(event.id)?.setTitle(`${stepTitle(event).trimStart()} (${seconds} s)`),
  );
  const listener: ProgressListener = (event) => {
    if (event.type === 'plan') {
      const tasks = event.steps.map((id) => {
        const line = new TaskLine(id);
        lines.set(id, line);
        return {
          title: line.title,
          task: (_ctx: unknown, task: { title: string }) => {
            line.task = task;
            task.title = line.title;
            return line.done;
          },
        };
      });
      // listr2 loads only when a terminal shows progress.
      runs.push(
        import('listr2').then(({ Listr }) =>
          new Listr(tasks, {
            concurrent: true,
            exitOnError: false,
            rendererOptions: { collapseErrors: false },
            registerSignalListeners: false,
          })
            .run()
            .catch(() => undefined),
        ),
      );
      return;
    }
    if (event.type === 'step') {
      const line = lines.get(event.id);
      clock.follow(event);
      line?.setTitle(stepTitle(event, true).trimStart());
      if (event.status === 'done') line?.settle();
      if (event.status === 'failed' || event.status === 'cancelled') line?.settle(new Error(event.error ?? event.text));
      return;
    }
    const text = plainLine(event);
    if (text) stream.write(`${text}\n`);
  };
  return {
    listener,
    finish: async () => {
      clock.stopAll();
      await Promise.all(runs);
    },
  };
}
