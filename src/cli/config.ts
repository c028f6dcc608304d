// `berth config`: the normalized model, as `docker compose config` prints it.
import { serviceConfigHash } from '../model/hash.js';
import { redactProject } from '../model/redact.js';
import type { Project } from '../model/types.js';
import { allProfiles } from '../loader/profiles.js';
import { ServiceGraph } from '../graph/graph.js';
import { defineCommand } from './command.js';
import { emitYaml } from './emit-yaml.js';

/** The model without berth's own bookkeeping, keys in the order Compose prints them. */
export function printableModel(project: Project): Record<string, unknown> {
  const { name, services, networks, volumes, secrets, configs, models, ...extensions } = project;
  const out: Record<string, unknown> = {
    name,
    services: Object.fromEntries(Object.entries(services).map(([k, s]) => [k, withoutName(s)])),
  };
  for (const [key, value] of Object.entries({ networks, volumes, secrets, configs, models })) {
    if (value && Object.keys(value).length) out[key] = value;
  }
  return { ...out, ...extensions };
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
  },
  async run(ctx, opts, names) {
    const loaded = await (opts['no-interpolate'] ? ctx.loadWith({ interpolate: false }) : ctx.load());
    // As Compose: the named services and what they depend on.
    for (const name of names) ctx.service(loaded.project, name);
    const selected = names.length ? new ServiceGraph(loaded.project).withDependencies(names) : undefined;
    if (opts.quiet) return 0;
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
