// What a one-off (`run`) container is made of: the service with the command line's changes,
// Compose's name and labels.
import { describe, expect, it } from 'vitest';
import { containerLabels } from '../../src/engine/container-create.js';
import { newSlug, oneOffName, oneOffService, parsePortArgs, parseVolumeArgs } from '../../src/engine/oneoff.js';
import { resourcesOnly } from '../../src/api/run.js';
import { Label } from '../../src/model/labels.js';
import type { LoadedProject, Service } from '../../src/model/types.js';

const web: Service = {
  name: 'web',
  image: 'busybox',
  command: ['httpd', '-f'],
  container_name: 'fixed-name',
  restart: 'always',
  environment: { A: '1', B: '2' },
  labels: { team: 'a' },
  ports: [{ mode: 'ingress', target: 8080, published: '18080', protocol: 'tcp' }],
  volumes: [{ type: 'volume', source: 'data', target: '/data' }],
  deploy: { replicas: 3, restart_policy: { condition: 'any' } },
} as Service;

describe('oneOffService', () => {
  it('keeps the service but drops its restart policy, replicas, container name and ports', () => {
    const s = oneOffService(web, { tty: false, interactive: true });
    expect(s.command).toEqual(['httpd', '-f']);
    expect(s.restart).toBeUndefined();
    expect(s.container_name).toBeUndefined();
    expect(s.deploy?.restart_policy).toBeUndefined();
    expect(s.deploy?.replicas).toBe(1);
    expect(s.ports).toBeUndefined();
    expect(s.stdin_open).toBe(true);
    expect(s.tty).toBe(false);
  });

  it('applies the command line: command, env over the service env, labels, user, workdir', () => {
    const s = oneOffService(web, {
      tty: true,
      interactive: false,
      command: ['sh'],
      env: { B: 'x', C: '3' },
      labels: { extra: 'y' },
      user: 'nobody',
      workdir: '/tmp',
    });
    expect(s.command).toEqual(['sh']);
    expect(s.environment).toEqual({ A: '1', B: 'x', C: '3' });
    expect(s.labels).toEqual({ team: 'a', extra: 'y' });
    expect([s.user, s.working_dir, s.tty, s.stdin_open]).toEqual(['nobody', '/tmp', true, false]);
  });

  it('an entrypoint without a command clears the command, as Compose does', () => {
    expect(oneOffService(web, { tty: false, interactive: true, entrypoint: ['env'] })).toMatchObject({
      entrypoint: ['env'],
      command: [],
    });
    expect(
      oneOffService(web, { tty: false, interactive: true, entrypoint: ['sh', '-c'], command: ['id'] }),
    ).toMatchObject({ entrypoint: ['sh', '-c'], command: ['id'] });
  });

  it('publishes the service ports only with servicePorts, else only the given ones', () => {
    const published = parsePortArgs(['127.0.0.1:9000:80']);
    expect(oneOffService(web, { tty: false, interactive: true, servicePorts: true }).ports).toEqual(web.ports);
    expect(oneOffService(web, { tty: false, interactive: true, ports: published }).ports).toEqual([
      { mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '9000', protocol: 'tcp' },
    ]);
  });

  it('adds -v volumes, replacing a service volume with the same target', () => {
    const volumes = parseVolumeArgs(['./src:/data:ro', 'cache:/cache'], '/project');
    const s = oneOffService(web, { tty: false, interactive: true, volumes });
    expect(s.volumes).toEqual([
      { type: 'bind', source: '/project/src', target: '/data', read_only: true, bind: { create_host_path: true } },
      { type: 'volume', source: 'cache', target: '/cache', volume: {} },
    ]);
  });

  it('names what it cannot parse', () => {
    expect(() => parsePortArgs(['80/xyz'])).toThrow(/-p\/--publish "80\/xyz": invalid port/);
    expect(() => parseVolumeArgs(['src:/x:ro:extra'], '/')).toThrow(/-v\/--volume "src:\/x:ro:extra": invalid volume/);
  });
});

describe('names and labels', () => {
  it('names the container <project>-<service>-run-<12 hex> and labels it oneoff with its slug', () => {
    const slug = newSlug();
    expect(slug).toMatch(/^[0-9a-f]{64}$/);
    expect(oneOffName('proj', 'web', slug)).toBe(`proj-web-run-${slug.slice(0, 12)}`);
    const loaded = {
      project: { name: 'proj' },
      workingDir: '/p',
      configFiles: ['/p/compose.yaml'],
      envFiles: [],
    } as unknown as LoadedProject;
    const labels = containerLabels(
      loaded,
      { ...web, depends_on: { db: { condition: 'service_healthy', required: true, restart: true } } } as Service,
      { number: 1, imageId: 'sha256:abc', oneoffSlug: slug },
    );
    expect(labels).toMatchObject({
      [Label.project]: 'proj',
      [Label.service]: 'web',
      [Label.oneoff]: 'True',
      [Label.slug]: slug,
      [Label.containerNumber]: '1',
      [Label.dependsOn]: 'db:service_healthy:true',
      [Label.image]: 'sha256:abc',
      [Label.configFiles]: '/p/compose.yaml',
    });
    expect(labels[Label.configHash]).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('resourcesOnly', () => {
  it('keeps the network and volume steps of a plan and drops container steps', () => {
    const plan = resourcesOnly({
      nodes: [
        {
          id: 'network:default',
          step: { kind: 'create-network', key: 'default', name: 'p_default' },
          reason: '',
          after: [],
        },
        { id: 'volume:data', step: { kind: 'create-volume', key: 'data', name: 'p_data' }, reason: '', after: [] },
        {
          id: 'container:web:1',
          step: { kind: 'start-container', service: 'web', number: 1, container: { id: 'x', name: 'p-web-1' } },
          reason: '',
          after: [],
        },
        { id: 'ready:web', step: { kind: 'service-ready', service: 'web' }, reason: '', after: ['container:web:1'] },
      ],
      warnings: ['w'],
    });
    expect(plan.nodes.map((n) => n.id)).toEqual(['network:default', 'volume:data']);
    expect(plan.warnings).toEqual(['w']);
  });
});
