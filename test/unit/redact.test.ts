import { describe, expect, it } from 'vitest';
import {
  isSensitiveName,
  MASK,
  MIN_MASKED_LENGTH,
  projectSecrets,
  Redactor,
  redactProject,
} from '../../src/model/redact.js';
import type { Project } from '../../src/model/types.js';

describe('redactProject', () => {
  const project: Project = {
    name: 'p',
    services: {
      db: {
        name: 'db',
        environment: { POSTGRES_PASSWORD: 'hunter2', POSTGRES_USER: 'app', API_TOKEN: 't0k', UNSET_SECRET: null },
        build: { context: '/x', args: { NPM_TOKEN: 'abc', VERSION: '1' } },
      },
      web: { name: 'web' },
    },
    networks: {},
    volumes: {},
    secrets: { inline: { name: 'p_inline', content: 's3cret' }, file: { name: 'p_file', file: '/run/pw' } },
    configs: {},
  };

  it('masks credential-like variables, build args and secret contents, and nothing else', () => {
    const out = redactProject(project);
    expect(out.services.db.environment).toEqual({
      POSTGRES_PASSWORD: MASK,
      POSTGRES_USER: 'app',
      API_TOKEN: MASK,
      UNSET_SECRET: null,
    });
    expect(out.services.db.build?.args).toEqual({ NPM_TOKEN: MASK, VERSION: '1' });
    expect(out.secrets.inline.content).toBe(MASK);
    expect(out.secrets.file).toEqual({ name: 'p_file', file: '/run/pw' });
    expect(out.services.web).toEqual({ name: 'web' });
  });

  it('leaves the original untouched', () => {
    redactProject(project);
    expect(project.services.db.environment?.POSTGRES_PASSWORD).toBe('hunter2');
    expect(JSON.stringify(redactProject(project))).not.toContain('hunter2');
  });
});

describe('isSensitiveName', () => {
  it('names credentials, but not the *_FILE variables that hold their paths', () => {
    expect(
      ['DB_PASSWORD', 'POSTGRES_PASSWD', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'api_key'].filter(isSensitiveName),
    ).toHaveLength(5);
    expect(['POSTGRES_PASSWORD_FILE', 'API_TOKEN_FILE', 'DB_USER', 'DATABASE_URL'].filter(isSensitiveName)).toEqual([]);
  });
});

describe('Redactor', () => {
  it('masks each value wherever it appears, a longer one whole before a shorter one inside it', () => {
    const redactor = new Redactor(['hunter2', 'hunter2-long']);
    expect(redactor.text('postgres://u:hunter2@db/x and hunter2-long')).toBe(`postgres://u:${MASK}@db/x and ${MASK}`);
  });

  it(`ignores values under ${MIN_MASKED_LENGTH} characters, which would garble every line`, () => {
    expect(new Redactor(['1', 'abc']).text('abc1 version 1')).toBe('abc1 version 1');
    expect(new Redactor(['abcd']).text('abcd1')).toBe(`${MASK}1`);
  });

  it('masks a value as a JSON string escapes it, and values with regular-expression characters literally', () => {
    const redactor = new Redactor(['pa"ss\\word', 'a.b*c']);
    expect(redactor.text(JSON.stringify({ v: 'pa"ss\\word' }))).toBe(`{"v":"${MASK}"}`);
    expect(redactor.text('a.b*c axbbc')).toBe(`${MASK} axbbc`);
  });

  it('masks strings in plain data, keeping keys, without touching the original', () => {
    const data = { env: { URL: 'x://s3cret@h' }, list: ['s3cret', 1, null], s3cret: true };
    const out = new Redactor(['s3cret']).deep(data);
    expect(out).toEqual({ env: { URL: `x://${MASK}@h` }, list: [MASK, 1, null], s3cret: true });
    expect(data.env.URL).toBe('x://s3cret@h');
  });

  it('adds values with `with`, keeping its own', () => {
    expect(new Redactor(['first1']).with(['second2']).text('first1 second2')).toBe(`${MASK} ${MASK}`);
  });
});

describe('projectSecrets', () => {
  it('collects credential-like values of every environment, build args, hooks and secret contents', () => {
    const project: Project = {
      name: 'p',
      services: {
        db: {
          name: 'db',
          environment: {
            POSTGRES_PASSWORD: 'from-service',
            POSTGRES_PASSWORD_FILE: '/run/secrets/pw',
            POSTGRES_USER: 'app',
            EMPTY_TOKEN: null,
          },
          build: { context: '/x', args: { NPM_TOKEN: 'from-args', VERSION: '1.2.3' } },
          post_start: [{ command: ['true'], environment: { HOOK_SECRET: 'from-hook' } }],
        },
      },
      networks: {},
      volumes: {},
      secrets: {
        inline: { name: 'p_inline', content: 'from-content' },
        env: { name: 'p_env', environment: 'PLAIN_NAME' },
      },
      configs: { app: { name: 'p_app', content: 'not a secret' } },
    };
    const environment = { DB_PASSWORD: 'from-dotenv', PLAIN_NAME: 'from-env-secret', HOME: '/root' };
    const disabledServices = { off: { name: 'off', environment: { OFF_TOKEN: 'from-disabled' } } };
    expect(projectSecrets({ project, environment, disabledServices }).sort()).toEqual(
      [
        'from-args',
        'from-content',
        'from-disabled',
        'from-dotenv',
        'from-env-secret',
        'from-hook',
        'from-service',
      ].sort(),
    );
  });
});

describe('redactProject on hooks', () => {
  it('masks credential-like variables of post_start and pre_stop hooks', () => {
    const service = {
      name: 'db',
      post_start: [{ command: ['true'], environment: { HOOK_TOKEN: 'tok3n', MODE: 'x' } }],
    };
    const out = redactProject({
      name: 'p',
      services: { db: service },
      networks: {},
      volumes: {},
      secrets: {},
      configs: {},
    });
    expect(out.services.db.post_start?.[0].environment).toEqual({ HOOK_TOKEN: MASK, MODE: 'x' });
  });
});
