// The engine restarting in the middle of `up` (issue 6). The engine under test runs in a
// container of its own (test/bed/engine-in-container.sh), reached on a socket in a temp dir:
// restarting it touches neither the shared test engine nor the host's docker0 bridge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarArchive } from '../../src/engine/tar.js';
import { Label } from '../../src/model/labels.js';
import { spawnCli } from './cli-process.js';
import { bed, expectConverged, namedLike, useProject, type TestProject } from './harness.js';

const engineName = `berth-engine-restart-${process.pid}`;
const socketDir = mkdtempSync(join(tmpdir(), 'berth-engine-'));
let project: TestProject | undefined;

beforeAll(async () => {
  await bed('engine-in-container.sh', ['up', engineName, socketDir, 'busybox:latest']);
  project = await useProject('engine-restart', { dockerHost: `unix://${socketDir}/docker.sock` });
});

afterAll(async () => {
  try {
    await project?.cleanup();
  } finally {
    await bed('engine-in-container.sh', ['down', engineName]);
    rmSync(socketDir, { recursive: true, force: true });
  }
});

describe('the engine restarting during up', () => {
  it('an engine restart ends the running up with one clear error line, and the next up converges', async () => {
    const p = project!;

    // up starts; it creates `gate` and waits for it to turn healthy, which it cannot before the
    // test opens it. Once the first container exists, the engine restarts.
    const run = spawnCli(p, ['up', '-d']);
    await expect.poll(async () => (await p.containers()).length, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    await bed('engine-in-container.sh', ['restart', engineName]);

    // The interrupted up fails with one line naming the lost connection, and no stack trace.
    expect(await run.exited, run.stderr()).toBe(1);
    const errors = run
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('error:'));
    expect(errors, run.stderr()).toEqual([
      expect.stringMatching(
        /^error: lost the connection to the Docker Engine \(.+\): it may be restarting; run the command again once it answers$/,
      ),
    ]);
    expect(run.stdout() + run.stderr()).not.toMatch(/^\s+at /m);

    // Every container made before the restart carries the project's labels.
    const before = await namedLike(p);
    expect(before.map((c) => c.Labels[Label.service])).toEqual(['gate']);
    expect(before[0].Labels[Label.project]).toBe(p.name);

    // The engine answers again; the test opens the gate (in the stopped container), and the
    // next up converges, reusing the container it made.
    await p.engine
      .getContainer(before[0].Id)
      .putArchive(tarArchive([{ path: 'open', content: Buffer.alloc(0), mode: 0o644 }]), { path: '/' });
    const again = await p.cli(['up', '-d']);
    expect(again.code, again.stderr).toBe(0);
    await expectConverged(p, 3);
    expect((await p.containers('gate')).map((c) => c.Id)).toEqual([before[0].Id]);
  });
});
