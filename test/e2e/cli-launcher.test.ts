import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

// A module that leaves a mark when Node loads it (through NODE_OPTIONS=--require).
const MARKER = "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'loaded'), '');\n";

describe("berth's own Node reads none of berth's arguments", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a missing --env-file is berth\'s error (exit 1), not Node\'s "not found" (exit 9)', async () => {
    project = await useProject('cli-launcher');
    const result = await project.cli(['--env-file', 'missing.env', 'config']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*missing\.env/);
    expect(result.stderr).not.toContain('node:');
  });

  it('NODE_OPTIONS in an --env-file reaches the compose file only, never the Node that runs berth', async () => {
    project = await useProject('cli-launcher');
    project.write('marker.cjs', MARKER);
    project.write('node.env', `NODE_OPTIONS=--require ${join(project.dir, 'marker.cjs')}\nFROM_ENV_FILE=read\n`);
    const result = await project.cli(['--env-file', 'node.env', 'config']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('FROM_ENV_FILE: read');
    expect(existsSync(join(project.dir, 'loaded'))).toBe(false);
  });

  it("NODE_OPTIONS in the user's environment still applies to berth's Node", async () => {
    project = await useProject('cli-launcher');
    project.write('marker.cjs', MARKER);
    const result = await project.cli(['config'], { NODE_OPTIONS: `--require ${join(project.dir, 'marker.cjs')}` });
    expect(result.code).toBe(0);
    expect(existsSync(join(project.dir, 'loaded'))).toBe(true);
  });
});
