import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/loader/index.js';
import { lines, tempTree } from './loader-helpers.js';

describe('file modes of secrets and configs', () => {
  it('reads `mode: 0440` as octal, as compose-go does, and a mode without a leading zero as written', async () => {
    const dir = tempTree({
      'compose.yaml': lines(
        'services:',
        '  app:',
        '    image: busybox',
        '    cpu_shares: 0512',
        '    secrets:',
        '      - source: octal',
        '        mode: 0440',
        '      - source: quoted',
        '        mode: "0400"',
        '      - source: decimal',
        '        mode: 288',
        '    configs:',
        '      - source: conf',
        '        mode: 0755',
        'x-note: 0440',
        'secrets:',
        '  octal: {environment: A}',
        '  quoted: {environment: A}',
        '  decimal: {environment: A}',
        'configs:',
        '  conf: {content: d}',
      ),
    });
    const { project } = await loadProject({ cwd: dir, environment: { A: 'a' } });
    const app = project.services.app;
    expect(app.secrets?.map((s) => s.mode)).toEqual([0o440, 0o400, 0o440]);
    expect(app.configs?.map((c) => c.mode)).toEqual([0o755]);
    // Elsewhere a leading zero keeps the YAML 1.2 reading: only the file-mode paths change.
    expect(app.cpu_shares).toBe(512);
    expect(project['x-note']).toBe(440);
  });
});
