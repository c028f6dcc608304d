import { describe, expect, it } from 'vitest';
import { BuildKitProgress } from '../../src/engine/buildkit-progress.js';

const at = (seconds: number, nanos = 0) => ({ seconds, nanos });
const log = (vertex: string, text: string) => ({ vertex, msg: Buffer.from(text) });

describe('BuildKitProgress', () => {
  it('numbers steps, shows cached and finished ones with their duration, and their output under their number', () => {
    const lines: string[] = [];
    const progress = new BuildKitProgress((line) => lines.push(line));
    // BuildKit lists every step before the first starts: numbers follow the order they start in.
    progress.update({ vertexes: [{ digest: 'b', name: '[2/2] RUN make' }] });
    progress.update({
      vertexes: [{ digest: 'a', name: '[1/2] FROM busybox', started: at(1), completed: at(1), cached: true }],
    });
    progress.update({ vertexes: [{ digest: 'b', name: '[2/2] RUN make', started: at(10) }] });
    progress.update({ logs: [log('b', 'compiling\npart'), log('b', 'ial line\n')] });
    progress.update({
      vertexes: [{ digest: 'b', name: '[2/2] RUN make', started: at(10), completed: at(11, 250_000_000) }],
    });
    expect(lines).toEqual([
      '#1 [1/2] FROM busybox',
      '#1 CACHED',
      '#2 [2/2] RUN make',
      '#2 compiling',
      '#2 partial line',
      '#2 DONE 1.3s',
    ]);
    expect(progress.failure()).toBeUndefined();
  });

  it('shows output that arrives after its step ended, even without a final newline', () => {
    const lines: string[] = [];
    const progress = new BuildKitProgress((line) => lines.push(line));
    progress.update({ vertexes: [{ digest: 'a', name: '[1/1] RUN cat x', started: at(1), completed: at(2) }] });
    progress.update({ logs: [log('a', 'no newline')] });
    expect(lines).toEqual(['#1 [1/1] RUN cat x', '#1 DONE 1.0s', '#1 no newline']);
  });

  it('keeps the first failing step with its last lines of output, not the steps cancelled after it', () => {
    const progress = new BuildKitProgress(() => undefined);
    progress.update({ vertexes: [{ digest: 'b', name: '[2/3] RUN test', started: at(1) }] });
    progress.update({
      logs: [log('b', Array.from({ length: 15 }, (_, i) => `line ${i + 1}`).join('\n') + '\nno newline')],
    });
    progress.update({
      vertexes: [
        { digest: 'b', name: '[2/3] RUN test', started: at(1), completed: at(2), error: 'exit code: 1' },
        { digest: 'c', name: '[3/3] RUN other', started: at(1), completed: at(2), error: 'context canceled' },
      ],
    });
    expect(progress.failure()).toEqual({
      name: '[2/3] RUN test',
      error: 'exit code: 1',
      lastLines: [
        'line 7',
        'line 8',
        'line 9',
        'line 10',
        'line 11',
        'line 12',
        'line 13',
        'line 14',
        'line 15',
        'no newline',
      ],
    });
  });
});
