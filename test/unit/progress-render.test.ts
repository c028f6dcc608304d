import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRenderer } from '../../src/progress/render.js';
import type { ProgressEvent } from '../../src/progress/events.js';

function fakeStream(props: { isTTY?: boolean; columns?: number }) {
  const written: string[] = [];
  const stream = { ...props, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

const step = (status: 'started' | 'done', text: string): ProgressEvent => ({
  type: 'step',
  id: 'await:db:service_healthy',
  kind: 'await-service',
  resource: 'Service db',
  status,
  text,
  reason: '"web" waits for it to be healthy',
});

afterEach(() => vi.useRealTimers());

describe('progress rendering', () => {
  it('falls back to plain lines on a terminal that reports zero columns', async () => {
    const { stream, written } = fakeStream({ isTTY: true, columns: 0 });
    const renderer = createRenderer(stream, 'auto');
    renderer.listener({ type: 'step', ...recreate });
    await renderer.finish();
    expect(written).toEqual([' Container p-web-1  Recreating (environment.DEBUG: "0" -> "1")\n']);
  });

  it('counts the seconds of a wait until it settles, then stops', async () => {
    vi.useFakeTimers();
    const { stream, written } = fakeStream({});
    const renderer = createRenderer(stream, 'plain');
    renderer.listener(step('started', 'Waiting for healthy'));
    vi.advanceTimersByTime(10_000);
    renderer.listener(step('done', 'Healthy'));
    vi.advanceTimersByTime(10_000);
    await renderer.finish();
    expect(written).toEqual([
      ' Service db  Waiting for healthy\n',
      ' Service db  Waiting for healthy (5 s)\n',
      ' Service db  Waiting for healthy (10 s)\n',
      ' Service db  Healthy\n',
    ]);
  });
});

const recreate = {
  id: 'container:web:1',
  kind: 'recreate-container',
  resource: 'Container p-web-1',
  status: 'started' as const,
  text: 'Recreating',
  reason: 'environment.DEBUG: "0" -> "1"',
};
