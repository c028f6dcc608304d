// Everything berth writes on its own behalf (errors, warnings, progress) passes through one mask
// of the secret values known so far. It learns them as the command does: the shell's
// credential-like variables at start, each interpolation environment as the loader reads it
// (so a load error is masked with the .env's values too), then the loaded project's.
import { Redactor, sensitiveValues } from '../model/redact.js';

export class OutputMask {
  private redactor: Redactor;

  constructor(shell: Record<string, string | undefined>) {
    this.redactor = new Redactor(sensitiveValues(shell));
  }

  get current(): Redactor {
    return this.redactor;
  }

  learn(values: Iterable<string>): void {
    this.redactor = this.redactor.with(values);
  }

  readonly text = (text: string): string => this.redactor.text(text);

  /** `stream` with every string written to it masked first; container output (bytes) passes as it is. */
  stream(stream: NodeJS.WriteStream): NodeJS.WriteStream {
    const write = (chunk: unknown, ...rest: unknown[]): boolean =>
      Reflect.apply(stream.write, stream, [typeof chunk === 'string' ? this.text(chunk) : chunk, ...rest]) as boolean;
    return new Proxy(stream, {
      get: (target, key) => {
        if (key === 'write') return write;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
