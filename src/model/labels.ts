// The labels Docker Compose puts on what it creates. berth sets and reads the same ones, so
// each tool recognises (and can tear down) what the other made.

const P = 'com.docker.compose.';

export const Label = {
  project: `${P}project`,
  service: `${P}service`,
  version: `${P}version`,
  workingDir: `${P}project.working_dir`,
  configFiles: `${P}project.config_files`,
  environmentFile: `${P}project.environment_file`,
  oneoff: `${P}oneoff`,
  containerNumber: `${P}container-number`,
  configHash: `${P}config-hash`,
  dependsOn: `${P}depends_on`,
  image: `${P}image`,
  replace: `${P}replace`,
  network: `${P}network`,
  volume: `${P}volume`,
  slug: `${P}slug`,
} as const;

/** berth's own labels, beside Compose's: Compose ignores them. */
export const BerthLabel = {
  /** The service config the container was created from (model/config-label.ts). */
  config: 'dev.berth.config',
} as const;

/** The Docker Compose version berth declares compatibility with in the `version` label. */
export const COMPOSE_VERSION = '2.30.0';

/** Labels that mark any resource as belonging to a project. */
export function projectLabels(project: string): Record<string, string> {
  return { [Label.project]: project, [Label.version]: COMPOSE_VERSION };
}

/** `label=` filter values for listing a project's resources through the Engine API. */
export function projectFilter(project: string, extra: string[] = []): { label: string[] } {
  return { label: [`${Label.project}=${project}`, ...extra] };
}
