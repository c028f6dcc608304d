import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emitYaml } from '../../src/cli/emit-yaml.js';

describe('emitYaml', () => {
  it('writes nested maps and lists in block style', () => {
    expect(
      emitYaml({
        services: {
          web: { command: ['sh', '-c'], ports: [{ target: 80, published: '8080' }], networks: { default: null } },
        },
      }),
    ).toBe(
      [
        'services:',
        '  web:',
        '    command:',
        '      - sh',
        '      - -c',
        '    ports:',
        '      - target: 80',
        '        published: "8080"',
        '    networks:',
        '      default: null',
        '',
      ].join('\n'),
    );
  });

  it('quotes every string that YAML would read as something else', () => {
    const tricky = [
      'true',
      'no',
      'null',
      '~',
      '8080',
      '1.5',
      '0x1F',
      '',
      ' lead',
      'trail ',
      'a: b',
      'x #c',
      '#x',
      '*alias',
      '&a',
      '!tag',
      '- item',
      '{a}',
      '[a]',
      "it's",
      'line\nbreak',
      '@at',
      '%p',
      '`b`',
      '|',
      '>',
      'a\tb',
      '.inf',
      '1e3',
      'é',
    ];
    for (const text of tricky) expect(parse(emitYaml({ v: text }))).toEqual({ v: text });
  });

  it('keeps ordinary strings plain', () => {
    expect(emitYaml({ image: 'postgres:15-bookworm', path: '/var/lib/data', cmd: 'CMD-SHELL' })).toBe(
      'image: postgres:15-bookworm\npath: /var/lib/data\ncmd: CMD-SHELL\n',
    );
  });

  it('round-trips a whole structure', () => {
    const data = { a: [[1, 2], [], {}, { b: [{ c: null }] }], 'key with space': true, 'x:y': 'z', n: -1.25 };
    expect(parse(emitYaml(data))).toEqual(data);
  });
});
