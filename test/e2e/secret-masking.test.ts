// Masking by value (issue 21, item 4): a password set in .env or the shell, wherever it was
// copied (a URL, a config's content, a build that echoes it, a command), appears nowhere in what
// the berth command prints, while the containers still get it.
import { afterEach, describe, expect, it } from 'vitest';
import { envOf, useProject, type TestProject } from './harness.js';

const FROM_DOTENV = 'dotenv-Pa55word-4f1c';
const FROM_SHELL = 'shell-Pa55word-83d0';
const TOKEN = 'shell-T0ken-9a2e';
const MASK = '********';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** Everything a run printed must be free of every secret value. */
function expectNoSecret(...outputs: string[]): void {
  for (const output of outputs)
    for (const secret of [FROM_DOTENV, FROM_SHELL, TOKEN]) expect(output).not.toContain(secret);
}

describe('secret values in what berth prints', () => {
  it('config masks a password from .env or the shell wherever it was copied, and a validation error quotes ${DB_PASSWORD}', async () => {
    project = await useProject('secret-masking');
    for (const [env, password] of [
      [{ API_TOKEN: TOKEN }, FROM_DOTENV],
      [{ API_TOKEN: TOKEN, DB_PASSWORD: FROM_SHELL }, FROM_SHELL],
    ] as const) {
      // The value really is in the model: --show-secrets prints it.
      expect((await project.cli(['config', '--show-secrets'], env)).stdout).toContain(
        `postgres://app:${password}@db/app`,
      );
      for (const format of ['yaml', 'json']) {
        const config = await project.cli(['config', '--format', format], env);
        expect(config.code).toBe(0);
        expectNoSecret(config.stdout, config.stderr);
        expect(config.stdout).toContain(`postgres://app:${MASK}@db/app`);
        expect(config.stdout).toContain(`url=postgres://app:${MASK}@db/app`);
        // A *_FILE variable holds a path: shown as it is.
        expect(config.stdout).toContain('/run/secrets/db_password');
      }
    }

    project.write(
      'compose.yaml',
      'services:\n  app:\n    image: busybox\n    ports: ["127.0.0.1:${DB_PASSWORD}:80"]\n',
    );
    for (const env of [{}, { DB_PASSWORD: FROM_SHELL }] as Record<string, string>[]) {
      const failed = await project.cli(['config'], env);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toMatch(
        /compose\.yaml:4:\d+: services\.app\.ports\[0\]: invalid port "127\.0\.0\.1:\$\{DB_PASSWORD\}:80": "\$\{DB_PASSWORD\}" is not a port/,
      );
      expectNoSecret(failed.stderr);
    }
  });

  it('up never prints a password, in its progress or in a failing start, while the containers get it', async () => {
    project = await useProject('secret-masking');
    const up = await project.cli(['--progress', 'plain', 'up', '-d', '--build'], { API_TOKEN: TOKEN });
    expect(up.code).toBe(0);
    expectNoSecret(up.stdout, up.stderr);
    // The build echoed the token: its output line is there, masked.
    expect(up.stderr).toContain(`installing with token ${MASK}`);
    const [app] = await project.containers('app');
    const env = await envOf(project.engine, app.Id);
    expect(env.DATABASE_URL).toBe(`postgres://app:${FROM_DOTENV}@db/app`);
    expect(env.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/db_password');

    // The engine's error quotes the command it could not run, which holds the password.
    project.write(
      'compose.yaml',
      'services:\n  broken:\n    image: busybox\n    command: ["/missing-${DB_PASSWORD}"]\n',
    );
    const failed = await project.cli(['--progress', 'plain', 'up', '-d'], { DB_PASSWORD: FROM_SHELL });
    expect(failed.code).toBe(1);
    expectNoSecret(failed.stdout, failed.stderr);
    expect(failed.stderr).toContain(`Container ${project.name}-broken-1  Error: `);
    expect(failed.stderr).toMatch(new RegExp(`^error: service "broken": .*/missing-\\*{8}`, 'm'));
    const [broken] = await project.containers('broken');
    expect(broken.State).toBe('created');
    expect((await project.engine.getContainer(broken.Id).inspect()).Path).toBe(`/missing-${FROM_SHELL}`);
  });
});
