// `config --explain PATH`, `--variables` and `--environment`: where the model's values came from.
import {
  explainPath,
  parsePath,
  projectVariables,
  shortPosition,
  type Explanation,
  type VariableSource,
} from '../loader/provenance.js';
import { isSensitiveName, MASK } from '../model/redact.js';
import type { LoadedProject } from '../model/types.js';
import { formatTable } from './images.js';

export interface ExplainContext {
  loaded: LoadedProject;
  shell: Record<string, string | undefined>;
  /** Whether env files were named (`--env-file`, `COMPOSE_ENV_FILES`) rather than the project's `.env`. */
  namedEnvFiles: boolean;
  showSecrets: boolean;
}

/**
 * ```
 * services.web.environment.APP_MODE = "staging"
 *   set at compose.yaml:8 as "${APP_MODE:-dev}"
 *   overrides "dev" at compose.base.yaml:5
 *   ${APP_MODE} from .env:1
 * ```
 */
export function explainText(path: string, ctx: ExplainContext): string {
  const found = explainPath(path, { loaded: ctx.loaded, shell: ctx.shell });
  const secret = !ctx.showSecrets && parsePath(found.path).some((s) => typeof s === 'string' && isSensitiveName(s));
  const show = (value: unknown) => (secret ? MASK : value === undefined ? '(not in the model)' : JSON.stringify(value));
  const at = (position: Explanation['settings'][number]['position']) => shortPosition(position, ctx.loaded.workingDir);
  const settings = [...found.settings].reverse();
  const [last, ...earlier] = settings;
  const lines = [`${found.path} = ${show(found.value)}`];
  const written = JSON.stringify(last.written) === JSON.stringify(found.value) ? '' : ` as ${show(last.written)}`;
  lines.push(`  set at ${at(last.position)}${written}`);
  for (const s of earlier) lines.push(`  overrides ${show(s.written)} at ${at(s.position)}`);
  for (const v of found.variables) lines.push(`  \${${v.name}} ${variableText(v, ctx)}`);
  return `${lines.join('\n')}\n`;
}

function variableText(v: VariableSource, ctx: ExplainContext): string {
  const where = v.position ? shortPosition(v.position, ctx.loaded.workingDir) : '';
  switch (v.from) {
    case 'shell':
      return 'from the shell environment';
    case 'env-file':
      return `from ${ctx.namedEnvFiles ? '--env-file ' : ''}${where}`;
    case 'default':
      return `not set: the default ${JSON.stringify(v.operand ?? '')} written at ${where}`;
    case 'unset':
      return 'not set: blank';
  }
}

/** `NAME  REQUIRED  DEFAULT VALUE  ALTERNATE VALUE`, as `docker compose config --variables` prints it. */
export function variablesText(loaded: LoadedProject): string {
  const rows = projectVariables(loaded.configFiles).map((v) => [
    v.name,
    String(v.required),
    v.defaultValue ?? '',
    v.alternateValue ?? '',
  ]);
  return formatTable([['NAME', 'REQUIRED', 'DEFAULT VALUE', 'ALTERNATE VALUE'], ...rows]);
}

/** The interpolation environment, `KEY=value` a line, credential-like values masked unless asked. */
export function environmentText(loaded: LoadedProject, showSecrets: boolean): string {
  return Object.entries(loaded.environment)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${!showSecrets && isSensitiveName(k) ? MASK : v}\n`)
    .join('');
}
