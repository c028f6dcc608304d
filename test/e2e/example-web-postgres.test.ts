// examples/web-postgres end to end, exactly as a user runs it: `berth up -d --wait` builds the
// web app's image, starts PostgreSQL with its password as a secret, waits for both to be
// healthy; the notes live in a named volume that only `down -v` deletes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { freePort, healthOf, repoRoot, useProject, type TestProject } from './harness.js';

describe('example: web-postgres', () => {
  let project: TestProject;
  let port: number;
  const password = readFileSync(join(repoRoot, 'examples/web-postgres/db_password.txt'), 'utf8').trimEnd();
  const image = () => `${project.name}-web`;
  const up = (...extra: string[]) => project.cli(['up', '-d', '--wait', ...extra], { WEB_PORT: String(port) });

  /** The service's one container, inspected. */
  async function only(service: string) {
    const containers = await project.containers(service);
    expect(containers, `${service} should have exactly one container`).toHaveLength(1);
    return project.engine.getContainer(containers[0].Id).inspect();
  }

  async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
      return { status: res.status, body: await res.json() };
    } catch (err) {
      return { status: 0, body: String(err) };
    }
  }

  /** The notes' texts, once the app answers (bounded). */
  async function notes(): Promise<string[]> {
    let body: unknown;
    await expect
      .poll(async () => ((body = (await call('/notes')).body), Array.isArray(body)), { timeout: 20_000, interval: 500 })
      .toBe(true);
    return (body as { text: string }[]).map((n) => n.text);
  }

  async function dataVolumes() {
    return (
      (await project.engine.listVolumes({ filters: { label: [`${Label.project}=${project.name}`] } })).Volumes ?? []
    );
  }

  beforeAll(async () => {
    project = await useProject(join(repoRoot, 'examples', 'web-postgres'));
    port = await freePort();
    const result = await up();
    expect(result.stderr, 'up -d --wait should succeed').not.toMatch(/^error:/m);
    expect(result.code).toBe(0);
  });

  afterAll(async () => {
    if (!project) return;
    await project.cli(['down', '-v', '--rmi', 'local']);
    await project.cleanup();
    await project.engine
      .getImage(image())
      .remove({ force: true })
      .catch(() => undefined);
  });

  it("up --wait builds the web image from the example's Dockerfile and leaves db and web healthy, web published on 127.0.0.1", async () => {
    const db = await only('db');
    const web = await only('web');
    expect(await healthOf(project, db)).toBe('healthy');
    expect(await healthOf(project, web)).toBe('healthy');
    const built = await project.engine.getImage(image()).inspect();
    // The image by ID: Podman writes the name it was given in full (docker.io/library/...:latest).
    expect(web.Image).toBe(built.Id);
    expect(built.Config.Labels).toMatchObject({
      [Label.project]: project.name,
      [Label.service]: 'web',
    });
    // .dockerignore keeps everything but the app out of the build context.
    expect((await project.exec(web.Id, ['ls', '-A', '/app'])).split('\n').filter(Boolean)).toEqual(['app.py']);
    expect((await project.exec(web.Id, ['id', '-un'])).trim()).toBe('app');
    expect(web.HostConfig.Init).toBe(true);
    expect(web.HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    // The database's data directory is the project's named volume.
    expect(db.Mounts.find((m) => m.Destination === '/var/lib/postgresql/data')).toMatchObject({
      Type: 'volume',
      Name: `${project.name}_db-data`,
    });
  });

  it('the database password reaches both services as a secret file and shows up in no environment, image or log', async () => {
    for (const service of ['db', 'web']) {
      const info = await only(service);
      expect((await project.exec(info.Id, ['cat', '/run/secrets/db_password'])).trimEnd()).toBe(password);
      expect(JSON.stringify(info.Config.Env)).not.toContain(password);
      const logs = (await project.engine.getContainer(info.Id).logs({ stdout: true, stderr: true })).toString();
      expect(logs, `${service}'s logs`).not.toContain(password);
    }
    expect(JSON.stringify(await project.engine.getImage(image()).history())).not.toContain(password);
  });

  it('a note posted over HTTP survives --force-recreate and down + up, and down -v deletes it with the volume', async () => {
    const text = `note ${project.name}`;
    await expect
      .poll(() => call('/notes', { method: 'POST', body: text }), { timeout: 20_000, interval: 500 })
      .toMatchObject({ status: 201, body: { text } });
    expect(await notes()).toContain(text);

    // --force-recreate replaces both containers; the data is in the volume, not in them.
    const before = { db: (await only('db')).Id, web: (await only('web')).Id };
    expect((await up('--force-recreate')).code).toBe(0);
    expect((await only('db')).Id).not.toBe(before.db);
    expect((await only('web')).Id).not.toBe(before.web);
    expect(await notes()).toContain(text);

    // down removes the containers and keeps the volume.
    const [volume] = await dataVolumes();
    expect(volume?.Name).toBe(`${project.name}_db-data`);
    expect((await project.cli(['down'])).code).toBe(0);
    expect(await project.containers()).toEqual([]);
    expect((await dataVolumes()).map((v) => v.Name)).toEqual([volume.Name]);
    expect((await up()).code).toBe(0);
    expect(await notes()).toContain(text);

    // down -v removes the volume too: the next database starts empty.
    expect((await project.cli(['down', '-v'])).code).toBe(0);
    expect(await project.containers()).toEqual([]);
    expect(await dataVolumes()).toEqual([]);
    expect((await up()).code).toBe(0);
    expect(await notes()).toEqual([]);
  });
});
