// `berth config`: the normalized model, as `docker compose config` prints it.
import { join } from 'node:path';
import { serviceConfigHash } from '../model/hash.js';
import { redactProject } from '../model/redact.js';
import type { Project, Service } from '../model/types.js';
import { allProfiles } from '../loader/profiles.js';
import { ServiceGraph } from '../graph/graph.js';
import { defineCommand } from './command.js';
import { emitYaml } from './emit-yaml.js';

/** The model without berth's own bookkeeping, keys in the order Compose prints them. */
export function printableModel(project: Project): Record<string, unknown> {
  const { name, services, networks, volumes, secrets, configs, models, ...extensions } = project;
  const out: Record<string, unknown> = {
    name,
    services: Object.fromEntries(Object.entries(services).map(([k, s]) => [k, printableService(withoutName(s))])),
  };
  for (const [key, value] of Object.entries({ networks, volumes, secrets, configs, models })) {
    if (value && Object.keys(value).length) out[key] = value;
  }
  return { ...out, ...extensions };
}

type Printable = Omit<Service, 'name'>;

/** The forms `docker compose config` prints: extra hosts as `host=ip` lines, an ulimit whose soft and hard agree as one number. */
function printableService(service: Printable): Record<string, unknown> {
  const out: Record<string, unknown> = { ...service };
  if (service.extra_hosts) out.extra_hosts = hostLines(service.extra_hosts);
  if (service.ulimits) out.ulimits = singleLimits(service.ulimits);
  if (service.build?.extra_hosts || service.build?.ulimits) {
    const build: Record<string, unknown> = { ...service.build };
    if (service.build.extra_hosts) build.extra_hosts = hostLines(service.build.extra_hosts);
    if (service.build.ulimits) build.ulimits = singleLimits(service.build.ulimits);
    out.build = build;
  }
  return out;
}

function hostLines(hosts: Record<string, string[]>): string[] {
  return Object.entries(hosts)
    .flatMap(([host, ips]) => ips.map((ip) => `${host}=${ip}`))
    .sort();
}

function singleLimits(limits: Record<string, { soft: number; hard: number }>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(limits).map(([name, limit]) => [name, limit.soft === limit.hard ? limit.soft : limit]),
  );
}

function withoutName<T extends { name: string }>(service: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = service;
  return rest;
}

export default defineCommand({
  name: 'config',
  summary: 'Parse, resolve and render the compose file in canonical format',
  args: '[SERVICE...]',
  options: {
    format: { type: 'string', description: 'Output format: yaml or json', value: 'FORMAT' },
    quiet: { type: 'boolean', short: 'q', description: 'Only validate the configuration, print nothing' },
    services: { type: 'boolean', description: 'Print the service names, one per line' },
    volumes: { type: 'boolean', description: 'Print the volume names, one per line' },
    networks: { type: 'boolean', description: 'Print the network names, one per line' },
    profiles: { type: 'boolean', description: 'Print the profile names, one per line' },
    images: { type: 'boolean', description: 'Print the image names, one per line' },
    hash: { type: 'string', description: 'Print the config hash of the services ("*" for all)', value: 'SERVICES' },
    'no-interpolate': { type: 'boolean', description: 'Do not interpolate environment variables' },
    'show-secrets': {
      type: 'boolean',
      description: 'Print credential-like variables and secret contents instead of masking them',
    },
    output: { type: 'string', short: 'o', description: 'Write to this file instead of stdout', value: 'PATH' },
    explain: {
      type: 'string',
      description:
        'Print where the value at PATH (services.web.environment.X) came from: file and line, what it overrode, its variables',
      value: 'PATH',
    },
    variables: {
      type: 'boolean',
      description: 'Print the variables the compose files read, their defaults and whether required',
    },
    environment: { type: 'boolean', description: 'Print the environment used for interpolation' },
  },
  async run(ctx, opts, names) {
    const loaded = await (opts['no-interpolate'] ? ctx.loadWith({ interpolate: false }) : ctx.load());
    // As Compose: the named services and what they depend on.
    for (const name of names) ctx.service(loaded.project, name);
    const selected = names.length ? new ServiceGraph(loaded.project).withDependencies(names) : undefined;
    if (opts.quiet) return 0;
    if (opts.explain !== undefined || opts.variables || opts.environment) {
      const { explainText, variablesText, environmentText } = await import('./config-explain.js');
      const showSecrets = !!opts['show-secrets'];
      const text = opts.explain
        ? explainText(opts.explain, {
            loaded,
            shell: ctx.globals.load.environment ?? process.env,
            namedEnvFiles: loaded.envFiles.some((f) => f !== join(loaded.workingDir, '.env')),
            showSecrets,
          })
        : opts.variables
          ? variablesText(loaded)
          : environmentText(loaded, showSecrets);
      await ctx.write(showSecrets ? text : ctx.redactor().text(text), opts.output);
      return 0;
    }
    // Masked by name (a credential-like variable, a secret's content), then by value wherever else it was copied.
    const all = opts['show-secrets'] ? loaded.project : ctx.redactor().deep(redactProject(loaded.project));
    const project = selected
      ? { ...all, services: Object.fromEntries(Object.entries(all.services).filter(([name]) => selected.has(name))) }
      : all;
    let text: string;
    if (opts.services) text = lines(Object.keys(project.services));
    else if (opts.volumes) text = lines(Object.keys(project.volumes));
    else if (opts.networks) text = lines(Object.keys(project.networks));
    else if (opts.profiles) text = lines(allProfiles([project.services, loaded.disabledServices]));
    else if (opts.images)
      text = lines(Object.values(project.services).map((s) => s.image ?? `${project.name}-${s.name}`));
    else if (opts.hash !== undefined) {
      const wanted = opts.hash === '*' ? Object.keys(project.services) : opts.hash.split(',');
      text = lines(wanted.map((s) => `${s} ${serviceConfigHash(ctx.service(loaded.project, s), loaded)}`));
    } else if (opts.format === 'json') text = `${JSON.stringify(printableModel(project), null, 2)}\n`;
    else if (opts.format === undefined || opts.format === 'yaml') text = emitYaml(printableModel(project));
    else return ctx.usage(`--format must be yaml or json, got "${opts.format}"`);
    await ctx.write(text, opts.output);
    return 0;
  },
});

function lines(items: string[]): string {
  return items.length ? `${items.join('\n')}\n` : '';
}
