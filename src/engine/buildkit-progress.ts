// BuildKit's progress as lines people read, in the manner of `docker build --progress=plain`:
// each step numbered in the order it appears (`#3 [2/4] RUN make`), its output under its
// number, then `#3 DONE 1.2s`, `#3 CACHED` or `#3 ERROR: ...`. The failing step is kept with
// its last lines of output for the error that ends the build.

/** One decoded `moby.buildkit.v1.StatusResponse` (the fields berth reads). */
export interface BuildKitStatus {
  vertexes?: BuildKitVertex[];
  logs?: { vertex: string; msg: Uint8Array }[];
}

export interface BuildKitVertex {
  digest: string;
  name?: string;
  cached?: boolean;
  started?: Timestamp | null;
  completed?: Timestamp | null;
  error?: string;
}

interface Timestamp {
  seconds: number;
  nanos: number;
}

/** The failing step, as the build error names it. */
export interface FailedStep {
  name: string;
  error: string;
  /** Its last lines of output, oldest first. */
  lastLines: string[];
}

/** Lines of output kept per step for the error. */
const KEPT_LINES = 10;

interface StepState {
  /** 0 until shown. */
  number: number;
  name: string;
  ended: boolean;
  /** Output not yet ended by a newline. */
  partial: string;
  lastLines: string[];
}

export class BuildKitProgress {
  private readonly steps = new Map<string, StepState>();
  private failed: FailedStep | undefined;
  private shown = 0;

  constructor(private readonly emit: (line: string) => void) {}

  /** Takes one status message; the same step comes back in several as it starts and ends. */
  update(status: BuildKitStatus): void {
    for (const vertex of status.vertexes ?? []) this.vertex(vertex);
    for (const log of status.logs ?? []) {
      const step = this.step(log.vertex, undefined);
      this.show(step);
      const lines = (step.partial + Buffer.from(log.msg).toString('utf8')).split('\n');
      step.partial = lines.pop() ?? '';
      for (const line of lines) this.output(step, line);
      // Output can come after its step has ended: nothing more will end the line.
      if (step.ended) this.flush(step);
    }
  }

  /** The step that failed, once one has. */
  failure(): FailedStep | undefined {
    return this.failed;
  }

  private vertex(vertex: BuildKitVertex): void {
    const step = this.step(vertex.digest, vertex.name);
    if (vertex.started || vertex.completed) this.show(step);
    if (step.ended || !vertex.completed) return;
    step.ended = true;
    this.flush(step);
    if (vertex.error) {
      this.emit(`#${step.number} ERROR: ${vertex.error}`);
      // Steps still running when another fails end with a "canceled" error: the first is the cause.
      this.failed ??= { name: step.name, error: vertex.error, lastLines: step.lastLines };
    } else if (vertex.cached) {
      this.emit(`#${step.number} CACHED`);
    } else {
      this.emit(`#${step.number} DONE ${seconds(vertex.started ?? vertex.completed, vertex.completed)}`);
    }
  }

  private step(digest: string, name: string | undefined): StepState {
    let step = this.steps.get(digest);
    if (!step) {
      step = {
        number: 0,
        name: name || digest,
        ended: false,
        partial: '',
        lastLines: [],
      };
      this.steps.set(digest, step);
    } else if (name && step.name === digest) {
      step.name = name;
    }
    return step;
  }

  /** Numbers a step the first time it is shown: steps are listed before they start. */
  private show(step: StepState): void {
    if (step.number) return;
    step.number = ++this.shown;
    this.emit(`#${step.number} ${step.name}`);
  }

  private flush(step: StepState): void {
    if (!step.partial) return;
    this.output(step, step.partial);
    step.partial = '';
  }

  private output(step: StepState, text: string): void {
    const line = text.replace(/\r$/, '');
    step.lastLines.push(line);
    if (step.lastLines.length > KEPT_LINES) step.lastLines.shift();
    this.emit(`#${step.number} ${line}`);
  }
}

function seconds(from: Timestamp, to: Timestamp): string {
  const ms = (to.seconds - from.seconds) * 1000 + (to.nanos - from.nanos) / 1e6;
  return `${(Math.max(ms, 0) / 1000).toFixed(1)}s`;
}
