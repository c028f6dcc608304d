import { describe, expect, it } from 'vitest';
import { environmentText, explainText, variablesText } from '../../src/cli/config-explain.js';
import { loadProject } from '../../src/loader/index.js';
import { explainPath, parsePath } from '../../src/loader/provenance.js';
import { lines, tempTree } from './loader-helpers.js';

const COMPOSE = lines(
  'services:',
  '  web:',
  '    image: busybox',
  '    environment:',
  '      APP_MODE: ${APP_MODE:-dev}',
  '      DB_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}',
  '      LEVEL: ${LEVEL:-info}',
  '    labels:',
  '      - tier=${TIER+front}',
);
const OVERRIDE = lines('services:', '  web:', '    environment:', '      APP_MODE: debug');
const DOTENV = lines('APP_MODE=staging', 'DB_PASSWORD=pw-from-dotenv-1');

async function explained(files: Record<string, string>, path: string, shell: Record<string, string> = {}) {
  const dir = tempTree(files);
  const loaded = await loadProject({ cwd: dir, environment: shell });
  return explainText(path, { loaded, shell, namedEnvFiles: false, showSecrets: false });
}

describe('config --explain', () => {
  it('names the override file line that set the value, and the value it overrode', async () => {
    const text = await explained(
      { 'compose.yaml': COMPOSE, 'compose.override.yaml': OVERRIDE, '.env': DOTENV },
      'services.web.environment.APP_MODE',
    );
    expect(text).toBe(
      lines(
        'services.web.environment.APP_MODE = "debug"',
        '  set at compose.override.yaml:4',
        '  overrides "${APP_MODE:-dev}" at compose.yaml:5',
      ),
    );
  });

  it('names the .env line when only .env set the variable', async () => {
    const text = await explained({ 'compose.yaml': COMPOSE, '.env': DOTENV }, 'services.web.environment.APP_MODE');
    expect(text).toBe(
      lines(
        'services.web.environment.APP_MODE = "staging"',
        '  set at compose.yaml:5 as "${APP_MODE:-dev}"',
        '  ${APP_MODE} from .env:1',
      ),
    );
  });

  it('names the shell over .env, and the default written in the file when the variable is unset', async () => {
    const files = { 'compose.yaml': COMPOSE, '.env': DOTENV };
    expect(await explained(files, 'services.web.environment.APP_MODE', { APP_MODE: 'shell' })).toContain(
      '${APP_MODE} from the shell environment',
    );
    expect(await explained(files, 'services.web.environment.LEVEL')).toContain(
      '${LEVEL} not set: the default "info" written at compose.yaml:7',
    );
  });

  it('finds a list item KEY=value by its key, and masks a secret-like value', async () => {
    const files = { 'compose.yaml': COMPOSE, '.env': DOTENV };
    expect(await explained(files, 'services.web.labels.tier')).toContain('set at compose.yaml:9');
    const secret = await explained(files, 'services.web.environment.DB_PASSWORD');
    expect(secret).not.toContain('pw-from-dotenv-1');
    expect(secret).toContain('services.web.environment.DB_PASSWORD = ********');
    expect(secret).toContain('${DB_PASSWORD} from .env:2');
  });

  it('follows extends into the base file, and names the value the extending service overrode', async () => {
    const files = {
      'compose.yaml': lines(
        'services:',
        '  web:',
        '    extends:',
        '      file: common/base.yaml',
        '      service: base',
        '    environment:',
        '      LEVEL: info',
      ),
      'common/base.yaml': lines('services:', '  base:', '    image: busybox', '    environment:', '      LEVEL: debug'),
    };
    expect(await explained(files, 'services.web.environment.LEVEL')).toBe(
      lines(
        'services.web.environment.LEVEL = "info"',
        '  set at compose.yaml:7',
        '  overrides "debug" at common/base.yaml:5',
      ),
    );
    expect(await explained(files, 'services.web.image')).toBe(
      lines('services.web.image = "busybox"', '  set at common/base.yaml:3'),
    );
  });

  it('finds a value an included application set, with its variables', async () => {
    const files = {
      'compose.yaml': lines('include:', '  - path: side/compose.yaml', 'services:', '  web:', '    image: busybox'),
      'side/compose.yaml': lines('services:', '  side:', '    image: busybox:${SIDE_TAG:-stable}'),
    };
    expect(await explained(files, 'services.side.image')).toBe(
      lines(
        'services.side.image = "busybox:stable"',
        '  set at side/compose.yaml:3 as "busybox:${SIDE_TAG:-stable}"',
        '  ${SIDE_TAG} not set: the default "stable" written at side/compose.yaml:3',
      ),
    );
  });

  it('refuses a path no file sets, naming it', async () => {
    const dir = tempTree({ 'compose.yaml': COMPOSE, '.env': DOTENV });
    const loaded = await loadProject({ cwd: dir, environment: {} });
    expect(() => explainPath('services.web.ports[0]', { loaded, shell: {} })).toThrow('no compose file sets this path');
  });

  it('reads paths as errors print them', () => {
    expect(parsePath('services.web.ports[1].published')).toEqual(['services', 'web', 'ports', 1, 'published']);
  });
});

describe('config --variables and --environment', () => {
  it('lists each variable with its default and whether it is required', async () => {
    const dir = tempTree({ 'compose.yaml': COMPOSE, '.env': DOTENV });
    const loaded = await loadProject({ cwd: dir, environment: {} });
    const [header, ...rows] = variablesText(loaded).trimEnd().split('\n');
    expect(header.split(/ {3,}/)).toEqual(['NAME', 'REQUIRED', 'DEFAULT VALUE', 'ALTERNATE VALUE']);
    const column = (row: string, title: string) => row.slice(header.indexOf(title)).split(/ {3,}/)[0].trim();
    expect(rows.map((r) => [column(r, 'NAME'), column(r, 'REQUIRED'), column(r, 'DEFAULT VALUE')])).toEqual([
      ['APP_MODE', 'false', 'dev'],
      ['DB_PASSWORD', 'true', ''],
      ['LEVEL', 'false', 'info'],
      ['TIER', 'false', ''],
    ]);
    expect(column(rows[3], 'ALTERNATE VALUE')).toBe('front');
    const environment = environmentText(loaded, false).split('\n');
    expect(environment).toEqual(expect.arrayContaining(['APP_MODE=staging', 'DB_PASSWORD=********']));
    expect(environment.join('\n')).not.toContain('pw-from-dotenv-1');
  });
});
