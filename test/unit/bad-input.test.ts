// A corpus of malformed and hostile compose and env files. Every one must be rejected with a
// LoadError (never another error, never a hang) whose message names the file and, where the
// input has one, the line and column, in words a person can act on. One row per case.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LoadError, type ErrorCode } from '../../src/errors.js';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';

interface Case {
  name: string;
  /** Files of the project, by path relative to its directory; `compose.yaml` is the main one. */
  files: Record<string, string | Uint8Array>;
  options?: Omit<LoadOptions, 'cwd'>;
  code: ErrorCode;
  message: RegExp;
  /** The file the error names, relative to the project; null when no file is to blame (a -p flag). */
  file?: string | null;
  /** `[line, column]`, when the input has a place to point at; `[line]` when the column depends on the stack size. */
  at?: [number, number?];
  /** Per-case time bound, ms. */
  timeout?: number;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const compose = (...l: string[]) => ({ 'compose.yaml': lines(...l) });
/** A valid service to put next to a broken piece. */
const WEB = ['services:', '  web:', '    image: nginx'];

/** Billion laughs: nine levels of nine aliases each, 9^9 strings once expanded. */
const BILLION_LAUGHS = lines(
  'x-0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...Array.from({ length: 8 }, (_, i) => `x-${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`),
  ...WEB,
);

/** About 5 MB: 22 000 services of 230 bytes; the very last one has a port out of range. */
function hugeFile(): { text: string; line: number } {
  const service = (i: number, port: string) =>
    lines(
      `  s${i}:`,
      `    image: registry.example.com/team/app-${i}:1.0`,
      '    environment: {A: "1", B: two}',
      `    ports: ["${port}"]`,
      `    volumes: ["./data/${i}:/data"]`,
      '    labels: {com.example.owner: team}',
      `    command: ["run", "--id", "${i}"]`,
    );
  const count = 22_000;
  const body = Array.from({ length: count - 1 }, (_, i) => service(i, `${(i % 60_000) + 1}:80`)).join('');
  const text = `services:\n${body}${service(count - 1, '70000:80')}`;
  return { text, line: text.split('\n').length - 4 };
}
const huge = hugeFile();

/** 5000 nested flow sequences. */
const DEEP_FLOW = `x-deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n${lines(...WEB)}`;
/** 3000 levels of block mappings. */
const DEEP_BLOCK = `x-deep:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1\n${lines(...WEB)}`;
/** 60 levels, then an alias to it under 60 more: deeper once expanded than as written. */
const DEEP_ALIAS = lines(
  `x-a: &a ${'['.repeat(60)}${']'.repeat(60)}`,
  `x-b: ${'['.repeat(60)}*a${']'.repeat(60)}`,
  ...WEB,
);

/** 100 000 aliases of one anchor: linear work, as long as no stage looks each alias up anew. */
const MANY_ALIASES = `x-a: &a {image: nginx}\nx-list:\n${'  - *a\n'.repeat(100_000)}${lines(...WEB)}bogus: 1\n`;

/** Bytes that are not UTF-8 text: a deterministic pseudo-random sequence. */
const RANDOM_BYTES = Uint8Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256);

const CASES: Case[] = [
  // --- YAML syntax -------------------------------------------------------------------------
  {
    name: 'a tab used for indentation',
    files: { 'compose.yaml': 'services:\n\tweb:\n    image: x\n' },
    code: 'yaml',
    message: /Tabs are not allowed as indentation/,
    at: [2, 1],
  },
  {
    name: 'mapping items at different columns',
    files: compose(...WEB, '   ports: ["80:80"]'),
    code: 'yaml',
    message: /All mapping items must start at the same column/,
    at: [4, 1],
  },
  {
    name: 'an unclosed double quote',
    files: compose('services:', '  web:', '    image: "nginx', '    ports: []'),
    code: 'yaml',
    message: /Missing closing "quote/,
    at: [3, 12],
  },
  {
    name: 'an unclosed single quote',
    files: compose('services:', '  web:', "    image: 'nginx"),
    code: 'yaml',
    message: /Missing closing 'quote/,
    at: [3, 12],
  },
  {
    name: 'an unclosed flow sequence',
    files: compose(...WEB, '    ports: ["80:80", "81:81"', '  db:', '    image: x'),
    code: 'yaml',
    message: /Flow sequence .* end with a \]/,
    at: [5, 3],
  },
  {
    name: 'an unclosed flow mapping',
    files: compose('services:', '  web: {image: nginx', '  db: {image: x}'),
    code: 'yaml',
    message: /Flow map .* end with a \}/,
    at: [3, 3],
  },
  {
    name: 'a duplicate attribute',
    files: compose(...WEB, '    image: httpd'),
    code: 'yaml',
    message: /Map keys must be unique: each key may appear only once in a mapping/,
    at: [4, 5],
  },
  {
    name: 'a duplicate service',
    files: compose(...WEB, '  web:', '    image: httpd'),
    code: 'yaml',
    message: /Map keys must be unique/,
    at: [4, 3],
  },
  {
    name: 'a duplicate top-level key',
    files: compose(...WEB, 'services:', '  db:', '    image: x'),
    code: 'yaml',
    message: /Map keys must be unique/,
    at: [4, 1],
  },
  {
    name: 'keys 1 and "1", the same key once read',
    files: compose('services:', '  1: {image: a}', '  "1": {image: b}'),
    code: 'yaml',
    message: /Map keys must be unique/,
    at: [3, 3],
  },
  {
    name: 'a nested mapping on one line',
    files: compose('services:', '  web: image: nginx'),
    code: 'yaml',
    message: /Nested mappings are not allowed in compact mappings/,
    at: [2, 8],
  },
  {
    name: 'a value starting with a directive indicator',
    files: compose('services:', '  web:', '    image: %nginx'),
    code: 'yaml',
    message: /Plain value cannot start with directive indicator character %/,
    at: [3, 12],
  },
  {
    name: 'two YAML documents in one file',
    files: compose(...WEB, '---', 'services: {}'),
    code: 'yaml',
    message: /multiple documents/,
    at: [4, 1],
  },
  {
    name: 'an alias to an undefined anchor',
    files: compose('services:', '  web: *base'),
    code: 'yaml',
    message: /alias \*base refers to no anchor &base defined before it/,
    at: [2, 8],
  },
  {
    name: 'an unknown tag',
    files: compose('services:', '  web:', '    image: !secret nginx'),
    code: 'yaml',
    message: /Unresolved tag: !secret/,
    at: [3, 12],
  },
  {
    name: 'a merge key on a list',
    files: compose('x-base: &base [1, 2]', 'services:', '  web:', '    <<: *base', '    image: x'),
    code: 'yaml',
    message: /the value of "<<" must be a mapping/,
    at: [4, 9],
  },
  {
    name: 'a top-level list',
    files: { 'compose.yaml': '- services\n- web\n' },
    code: 'yaml',
    message: /the top level must be a mapping/,
    at: [1, 1],
  },
  {
    name: 'a top-level scalar',
    files: { 'compose.yaml': '\nnginx\n' },
    code: 'yaml',
    message: /the top level must be a mapping/,
    at: [2, 1],
  },

  // --- hostile YAML ------------------------------------------------------------------------
  {
    name: 'a billion laughs (exponential aliases)',
    files: { 'compose.yaml': BILLION_LAUGHS },
    code: 'yaml',
    message: /aliases expand the file to 4\d{8} nodes from \d+ written: is this a YAML bomb\?/,
    at: [9, 11],
  },
  {
    name: 'an alias inside its own anchor',
    files: compose('x-loop: &loop', '  again: *loop', ...WEB),
    code: 'yaml',
    message: /alias \*loop is used inside its own anchor/,
    at: [2, 10],
  },
  {
    name: '5000 nested flow sequences',
    files: { 'compose.yaml': DEEP_FLOW },
    code: 'yaml',
    message: /nests deeper than 100 levels/,
    at: [1],
  },
  {
    name: '3000 nested block mappings',
    files: { 'compose.yaml': DEEP_BLOCK },
    code: 'yaml',
    message: /nests deeper than 100 levels/,
  },
  {
    name: 'nesting made deep by an alias',
    files: { 'compose.yaml': DEEP_ALIAS },
    code: 'yaml',
    message: /nests deeper than 100 levels/,
    at: [2, 66],
  },
  {
    name: '100 000 aliases of one anchor',
    files: { 'compose.yaml': MANY_ALIASES },
    code: 'schema',
    message: /unknown top-level element "bogus"/,
    at: [100_006, 1],
  },
  {
    name: 'a NUL byte',
    files: { 'compose.yaml': 'services:\n  web:\n    image: ngi\u0000nx\n' },
    code: 'yaml',
    message: /binary content \(a NUL byte\)/,
  },
  {
    name: 'random bytes',
    files: { 'compose.yaml': RANDOM_BYTES },
    code: 'yaml',
    message: /not UTF-8 text/,
    at: [1, 2],
  },
  {
    name: 'a Latin-1 file',
    files: { 'compose.yaml': Buffer.from('# café\nservices:\n  web:\n    image: x\n', 'latin1') },
    code: 'yaml',
    message: /not UTF-8 text/,
    at: [1, 6],
  },
  {
    name: 'a UTF-16 file',
    files: { 'compose.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(...WEB), 'utf16le')]) },
    code: 'yaml',
    message: /not UTF-8 text/,
    at: [1, 1],
  },
  {
    name: 'a 5 MB file whose last service is broken',
    files: { 'compose.yaml': huge.text },
    code: 'schema',
    message: /services\.s21999\.ports\[0\]: invalid port "70000:80"/,
    at: [huge.line, 13],
    timeout: 60_000,
  },

  // --- structure and types -----------------------------------------------------------------
  { name: 'an empty file', files: { 'compose.yaml': '' }, code: 'schema', message: /empty compose file/ },
  {
    name: 'a file with only comments',
    files: { 'compose.yaml': '# services:\n#   web: {}\n' },
    code: 'schema',
    message: /empty compose file/,
  },
  {
    name: 'services: null',
    files: compose('services: null'),
    code: 'schema',
    message: /services: expected a mapping of service names, got nothing/,
    at: [1, 11],
  },
  {
    name: 'services as a list',
    files: compose('services:', '  - web'),
    code: 'schema',
    message: /services: expected a mapping of service names, got a list/,
    at: [2, 3],
  },
  {
    name: 'an empty service entry',
    files: compose('services:', '  web:'),
    code: 'schema',
    message: /services\.web: expected a mapping of service attributes, got nothing/,
    at: [2, 7],
  },
  {
    name: 'a service that is a string',
    files: compose('services:', '  web: nginx'),
    code: 'schema',
    message: /services\.web: expected a mapping of service attributes, got "nginx"/,
    at: [2, 8],
  },
  {
    name: 'a misspelt top-level key',
    files: compose('servces:', '  web:', '    image: x'),
    code: 'schema',
    message: /unknown top-level element "servces", did you mean "services"\?/,
    at: [1, 1],
  },
  {
    name: 'a misspelt service attribute',
    files: compose(...WEB, '    prots: ["80:80"]'),
    code: 'schema',
    message: /services\.web: unknown attribute "prots", did you mean "ports"\?/,
    at: [4, 5],
  },
  {
    name: 'an unknown attribute with no near match',
    files: compose(...WEB, '    colour: blue'),
    code: 'schema',
    message: /unknown attribute "colour"$/,
    at: [4, 5],
  },
  {
    name: 'a misspelt network attribute',
    files: compose(...WEB, 'networks:', '  front:', '    drivr: bridge'),
    code: 'schema',
    message: /networks\.front: unknown attribute "drivr", did you mean "driver"\?/,
    at: [6, 5],
  },
  {
    name: 'a service name with a space',
    files: compose('services:', '  my web:', '    image: x'),
    code: 'schema',
    message: /services: invalid name "my web"/,
    at: [3, 5],
  },
  {
    name: 'a list as a mapping key',
    files: compose('services:', '  ? [a, b]', '  : {image: x}'),
    code: 'yaml',
    message: /a mapping key must be a plain value, not a list or a mapping/,
    at: [2, 5],
  },
  {
    name: 'a mapping key holding an alias',
    files: compose('x-a: &a {k: v}', 'services:', '  ? {<<: *a}', '  : {image: x}'),
    code: 'yaml',
    message: /a mapping key must be a plain value/,
    at: [3, 5],
  },
  {
    name: 'null and ~ as keys, the same key once read',
    files: compose(...WEB, 'x-e:', '  null: 1', '  ~: 2'),
    code: 'yaml',
    message: /Map keys must be unique/,
    at: [6, 3],
  },
  {
    name: 'a list for a string attribute',
    files: compose(...WEB, '    hostname: [web]'),
    code: 'schema',
    message: /services\.web\.hostname: expected a string, got a list/,
    at: [4, 15],
  },
  {
    name: 'a number for environment',
    files: compose(...WEB, '    environment: 5'),
    code: 'schema',
    message: /services\.web\.environment: expected a mapping or a list of KEY=VALUE strings, got number/,
    at: [4, 18],
  },
  {
    name: 'a word for a boolean',
    files: compose(...WEB, '    privileged: maybe'),
    code: 'schema',
    message: /services\.web\.privileged: expected true or false, got "maybe"/,
    at: [4, 17],
  },
  {
    name: 'a word for an integer',
    files: compose(...WEB, '    deploy:', '      replicas: many'),
    code: 'schema',
    message: /services\.web\.deploy\.replicas: expected a number of replicas from 0 to 1000 .*, got "many"/,
    at: [5, 17],
  },
  {
    name: 'a word for a number of CPUs',
    files: compose(...WEB, '    cpus: lots'),
    code: 'schema',
    message: /services\.web\.cpus: expected a number of CPUs from 0 to 8192, got "lots"/,
    at: [4, 11],
  },
  {
    name: 'an unknown dependency condition',
    files: compose(...WEB, '    depends_on:', '      db: {condition: whenever}', '  db:', '    image: x'),
    code: 'schema',
    message:
      /depends_on\.db\.condition: expected one of "service_started", "service_healthy" or "service_completed_successfully", got "whenever"/,
    at: [5, 23],
  },
  {
    name: 'a ulimit with a soft limit only',
    files: compose(...WEB, '    ulimits:', '      nofile: {soft: 1024}'),
    code: 'schema',
    message: /ulimits\.nofile: missing required attribute "hard"/,
    at: [5, 15],
  },
  {
    name: 'include given as a string',
    files: compose('include: other.yaml'),
    code: 'schema',
    message: /include: expected a list of files to include, got "other\.yaml"/,
    at: [1, 10],
  },
  {
    name: 'extends without a service',
    files: compose('services:', '  web:', '    extends:', '      file: base.yaml'),
    code: 'schema',
    message: /services\.web\.extends: missing required attribute "service"/,
    at: [4, 7],
  },

  // --- values with a syntax of their own ---------------------------------------------------
  {
    name: 'a published port out of range',
    files: compose(...WEB, '    ports: ["70000:80"]'),
    code: 'schema',
    message: /invalid port "70000:80": "70000" is not a port \(0-65535\)/,
    at: [4, 13],
  },
  {
    name: 'a negative port',
    files: compose(...WEB, '    ports: ["-1:80"]'),
    code: 'schema',
    message: /invalid port "-1:80"/,
    at: [4, 13],
  },
  {
    name: 'an unknown port protocol',
    files: compose(...WEB, '    ports: ["80:80/xyz"]'),
    code: 'schema',
    message: /protocol "xyz" is not tcp, udp or sctp/,
    at: [4, 13],
  },
  {
    name: 'ports as a mapping',
    files: compose(...WEB, '    ports: {http: 80}'),
    code: 'schema',
    message: /services\.web\.ports: expected a list of ports, got a mapping/,
    at: [4, 12],
  },
  {
    name: 'an exposed port that is a word',
    files: compose(...WEB, '    expose: ["http"]'),
    code: 'schema',
    message: /services\.web\.expose\[0\]: expected a port or a range/,
    at: [4, 14],
  },
  {
    name: 'a duration in parsecs',
    files: compose(...WEB, '    stop_grace_period: 10 parsecs'),
    code: 'schema',
    message: /expected a duration such as "30s" or "1m30s", got "10 parsecs"/,
    at: [4, 24],
  },
  {
    name: 'a negative duration',
    files: compose(...WEB, '    healthcheck:', '      interval: -5s'),
    code: 'schema',
    message: /invalid duration "-5s": a duration cannot be negative/,
    at: [5, 17],
  },
  {
    name: 'a byte size in potatoes',
    files: compose(...WEB, '    shm_size: 12 potatoes'),
    code: 'schema',
    message: /expected a byte size such as "512m" or "2gb", got "12 potatoes"/,
    at: [4, 15],
  },
  {
    name: 'a memory limit in potatoes',
    files: compose(...WEB, '    mem_limit: 12 potatoes'),
    code: 'schema',
    message: /services\.web\.mem_limit: expected a byte size/,
    at: [4, 16],
  },
  {
    name: 'a volume with empty sections',
    files: compose(...WEB, '    volumes: [":::"]'),
    code: 'schema',
    message: /invalid volume ":::": empty section between colons/,
    at: [4, 15],
  },

  // --- interpolation -----------------------------------------------------------------------
  {
    name: 'an unterminated ${',
    files: compose('services:', '  web:', '    image: ${IMAGE'),
    code: 'interpolation',
    message: /services\.web\.image: invalid interpolation format at character 1: "\$\{IMAGE" is not closed by "\}"/,
    at: [3, 12],
  },
  {
    name: 'a nested unterminated ${',
    files: compose('services:', '  web:', '    image: ${IMAGE:-${DEFAULT}'),
    code: 'interpolation',
    message: /character 10: "\$\{DEFAULT" is not closed/,
    at: [3, 12],
  },
  {
    name: 'a variable name starting with a digit',
    files: compose('services:', '  web:', '    image: ${1A}'),
    code: 'interpolation',
    message: /"\$\{" must be followed by a variable name/,
    at: [3, 12],
  },
  {
    name: 'an empty ${}',
    files: compose('services:', '  web:', '    image: ${}'),
    code: 'interpolation',
    message: /"\$\{\}" names no variable/,
    at: [3, 12],
  },
  {
    name: 'a required variable that is unset',
    files: compose('services:', '  web:', '    image: ${X:?need X}'),
    code: 'interpolation',
    message: /services\.web\.image: required variable X is missing a value: need X/,
    at: [3, 12],
  },
  {
    name: 'a required variable that is empty',
    files: compose('services:', '  web:', '    image: ${X:?}'),
    options: { environment: { X: '' } },
    code: 'interpolation',
    message: /required variable X is missing a value$/,
    at: [3, 12],
  },
  {
    name: 'a required variable deep in a list',
    files: compose(...WEB, '    command:', '      - run', '      - ${ARG?pass ARG}'),
    code: 'interpolation',
    message: /services\.web\.command\[1\]: required variable ARG is missing a value: pass ARG/,
    at: [6, 9],
  },

  // --- env files ---------------------------------------------------------------------------
  {
    name: 'a .env key with a space',
    files: { ...compose(...WEB), '.env': 'GOOD=1\nBAD KEY=1\n' },
    code: 'env-file',
    message: /a variable name cannot contain a space/,
    file: '.env',
    at: [2, 1],
  },
  {
    name: 'a .env key with a $',
    files: { ...compose(...WEB), '.env': 'A$B=1\n' },
    code: 'env-file',
    message: /unexpected character "\$" in a variable name/,
    file: '.env',
    at: [1, 2],
  },
  {
    name: 'a .env value with an unterminated double quote',
    files: { ...compose(...WEB), '.env': 'A=1\nB="abc\nC=3\n' },
    code: 'env-file',
    message: /B: unterminated quoted value: the " has no closing "/,
    file: '.env',
    at: [2, 3],
  },
  {
    name: 'a .env value with an unterminated single quote',
    files: { ...compose(...WEB), '.env': "A='abc\n" },
    code: 'env-file',
    message: /unterminated quoted value: the ' has no closing '/,
    file: '.env',
    at: [1, 3],
  },
  {
    name: 'a .env value with a bad interpolation',
    files: { ...compose(...WEB), '.env': 'A=${B\n' },
    code: 'env-file',
    message: /A: invalid interpolation format/,
    file: '.env',
    at: [1, 3],
  },
  {
    name: 'a .env with binary content',
    files: { ...compose(...WEB), '.env': Uint8Array.from([1, 2, 3, 255, 0, 10]) },
    code: 'env-file',
    message: /unexpected character "\\u0001" in a variable name/,
    file: '.env',
    at: [1, 1],
  },
  {
    name: 'a service env_file with an invalid key',
    files: { ...compose(...WEB, '    env_file: app.env'), 'app.env': 'OK=1\n-=2\nX Y=3\n' },
    code: 'env-file',
    message: /a variable name cannot contain a space/,
    file: 'app.env',
    at: [3, 1],
  },
  {
    name: 'a missing env_file given with ..',
    files: compose(...WEB, '    env_file: ../nowhere/app.env'),
    code: 'env-file',
    message: /cannot read env file .*nowhere\/app\.env: no such file/,
    at: [4, 15],
  },
  {
    name: 'a missing env_file given as an absolute path',
    files: compose(...WEB, '    env_file:', '      - /nonexistent/berth/app.env'),
    code: 'env-file',
    message: /cannot read env file \/nonexistent\/berth\/app\.env: no such file/,
    at: [5, 9],
  },
  {
    name: 'a missing --env-file',
    files: compose(...WEB),
    options: { envFiles: ['missing.env'] },
    code: 'env-file',
    message: /cannot read env file .*missing\.env: no such file/,
    file: 'missing.env',
  },

  // --- include and extends -----------------------------------------------------------------
  {
    name: 'an include of a missing file with ..',
    files: compose(...WEB, 'include:', '  - ../nowhere/compose.yaml'),
    code: 'include',
    message: /include\[0\]: cannot include .*nowhere\/compose\.yaml: cannot read compose file .*: no such file/,
    at: [5, 5],
  },
  {
    name: 'an include of a missing absolute file',
    files: compose('include:', '  - path: /nonexistent/berth/compose.yaml'),
    code: 'include',
    message: /cannot include \/nonexistent\/berth\/compose\.yaml/,
    at: [2, 5],
  },
  {
    name: 'an include cycle',
    files: {
      ...compose('include: [sub/compose.yaml]', ...WEB),
      'sub/compose.yaml': lines('include: [../compose.yaml]'),
    },
    code: 'include',
    message: /include cycle: .*compose\.yaml -> .*sub\/compose\.yaml -> .*compose\.yaml/,
    file: 'sub/compose.yaml',
    at: [1, 11],
  },
  {
    name: 'an include conflict',
    files: {
      ...compose('include: [sub/compose.yaml]', ...WEB),
      'sub/compose.yaml': lines('services:', '  web: {image: httpd}'),
    },
    code: 'include',
    message: /services\.web is defined both here and in an included file/,
    at: [1, 11],
  },
  {
    name: 'an extends of a missing file with ..',
    files: compose('services:', '  web:', '    extends:', '      file: ../base.yaml', '      service: base'),
    code: 'extends',
    message: /extends: cannot read compose file .*base\.yaml: no such file/,
    at: [4, 7],
  },
  {
    name: 'an extends of a missing absolute file',
    files: compose('services:', '  web:', '    extends: {file: /nonexistent/berth/base.yaml, service: base}'),
    code: 'extends',
    message: /extends: cannot read compose file \/nonexistent\/berth\/base\.yaml: no such file/,
    at: [3, 14],
  },
  {
    name: 'an extends cycle',
    files: compose('services:', '  a:', '    extends: b', '  b:', '    extends: a'),
    code: 'extends',
    message: /extends cycle: a -> b -> a/,
    at: [5, 14],
  },
  {
    name: 'an extends of a missing service',
    files: compose(...WEB, '    extends: base'),
    code: 'extends',
    message: /cannot extend service "base": no such service/,
    at: [4, 14],
  },
  {
    name: 'an extended file with a YAML error',
    files: {
      ...compose('services:', '  web:', '    extends: {file: base.yaml, service: base}'),
      'base.yaml': 'services:\n  base:\n    image: "x\n',
    },
    code: 'yaml',
    message: /Missing closing "quote/,
    file: 'base.yaml',
    at: [3, 12],
  },

  // --- references --------------------------------------------------------------------------
  {
    name: 'a depends_on cycle',
    files: compose(
      'services:',
      '  a:',
      '    image: x',
      '    depends_on: [b]',
      '  b:',
      '    image: x',
      '    depends_on: [a]',
    ),
    code: 'cycle',
    message: /dependency cycle between services: a -> b -> a/,
    at: [4, 17],
  },
  {
    name: 'a dependency on an undefined service',
    files: compose(...WEB, '    depends_on: [db]'),
    code: 'reference',
    message: /service "web" depends on undefined service "db"/,
    at: [4, 17],
  },
  {
    name: 'an undefined network',
    files: compose(...WEB, '    networks: [front]'),
    code: 'reference',
    message: /refers to undefined network "front"/,
    at: [4, 15],
  },
  {
    name: 'an undefined volume',
    files: compose(...WEB, '    volumes: ["data:/data"]'),
    code: 'reference',
    message: /refers to undefined volume "data"/,
    at: [4, 15],
  },
  {
    name: 'an undefined secret',
    files: compose(...WEB, '    secrets: [key]'),
    code: 'reference',
    message: /refers to undefined secret "key"/,
    at: [4, 15],
  },
  {
    name: 'container_name with two replicas',
    files: compose(...WEB, '    container_name: web', '    deploy: {replicas: 2}'),
    code: 'reference',
    message: /container_name "web" cannot be used with more than one replica/,
    at: [4, 21],
  },

  // --- project names -----------------------------------------------------------------------
  {
    name: 'an invalid name:',
    files: compose('name: My Project', ...WEB),
    code: 'project-name',
    message: /invalid project name "My Project" \(from name\)/,
    at: [1, 7],
  },
  {
    name: 'an invalid -p',
    files: compose(...WEB),
    options: { projectName: '-dash-first' },
    code: 'project-name',
    message: /^invalid project name "-dash-first" \(from --project-name\)/,
    file: null,
  },
  {
    name: 'an invalid COMPOSE_PROJECT_NAME',
    files: compose(...WEB),
    options: { environment: { COMPOSE_PROJECT_NAME: 'UPPER' } },
    code: 'project-name',
    message: /^invalid project name "UPPER" \(from COMPOSE_PROJECT_NAME\)/,
    file: null,
  },

  // --- several files -----------------------------------------------------------------------
  {
    name: 'a later file turning a mapping into a list',
    files: { ...compose(...WEB, 'x-opts: {a: 1}'), 'compose.override.yaml': 'x-opts:\n  - a\n' },
    code: 'merge',
    message: /x-opts: cannot merge a list over a mapping/,
    file: 'compose.override.yaml',
    at: [2, 3],
  },
  {
    name: 'a missing -f file',
    files: compose(...WEB),
    options: { files: ['compose.yaml', 'compose.prod.yaml'] },
    code: 'file-not-found',
    message: /cannot read compose file .*compose\.prod\.yaml: no such file/,
    file: 'compose.prod.yaml',
  },
  {
    name: 'a compose file that is a directory',
    files: { 'compose.yaml/readme': '' },
    code: 'file-not-found',
    message: /cannot read compose file .*compose\.yaml: it is a directory/,
  },
];

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bad-'));
  roots.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** An engine address that cannot be reached: the loader must never need one. */
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/berth-test/docker.sock' };

describe('bad input', () => {
  it('has a corpus of at least 60 cases, each named once', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(huge.text.length).toBeGreaterThan(5_000_000);
  });

  for (const c of CASES) {
    it(
      `rejects ${c.name}`,
      async () => {
        const dir = project(c.files);
        const options = c.options ?? {};
        let err: unknown;
        try {
          await loadProject({ cwd: dir, ...options, environment: { ...NO_ENGINE, ...options.environment } });
        } catch (e) {
          err = e;
        }
        if (!(err instanceof LoadError))
          throw new Error(`expected a LoadError, got ${err instanceof Error ? err.stack : String(err)}`);
        expect(err.code).toBe(c.code);
        expect(err.message).toMatch(c.message);

        const file = c.file === undefined ? join(dir, 'compose.yaml') : c.file === null ? undefined : join(dir, c.file);
        expect(err.position?.file).toBe(file);
        expect(err.position?.line).toBe(c.at?.[0]);
        if (c.at?.length === 1) expect(err.position?.column).toBeTypeOf('number');
        else expect(err.position?.column).toBe(c.at?.[1]);
        const where = [file, ...(c.at ?? [])].filter((p) => p !== undefined).join(':');
        if (where) expect(err.message.startsWith(`${where}:`)).toBe(true);
      },
      c.timeout ?? 5_000,
    );
  }
});

describe('the loader and the engine', () => {
  it('imports nothing that talks to an engine', () => {
    const start = resolve(fileURLToPath(new URL('../../src/loader/index.ts', import.meta.url)));
    const seen = new Set<string>();
    const packages = new Map<string, string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, clause, spec] of text.matchAll(/^\s*(?:import|export)\s([^'"]*?)from\s+'([^']+)'/gm)) {
        if (!spec.startsWith('.')) packages.set(spec, `${packages.get(spec) ?? ''} ${clause.trim()}`);
        else if (existsSync(resolve(dirname(file), spec.replace(/\.js$/, '.ts'))))
          visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        // A generated JavaScript module (the schema validator).
        else visit(resolve(dirname(file), spec));
      }
    };
    visit(start);
    const local = [...seen].map((f) => f.slice(f.indexOf('/src/') + 1));
    expect(
      local.filter(
        (f) =>
          !f.startsWith('src/loader/') &&
          !f.startsWith('src/model/') &&
          !['src/errors.ts', 'src/graph/graph.ts'].includes(f),
      ),
    ).toEqual([]);
    const names = [...packages.keys()];
    expect(names.filter((p) => !p.startsWith('node:') && !['yaml', 'ajv'].includes(p))).toEqual([]);
    expect(
      names.filter((p) => ['node:http', 'node:https', 'node:http2', 'node:dgram', 'node:child_process'].includes(p)),
    ).toEqual([]);
    // node:net for its address parsers only, never a socket.
    expect(packages.get('node:net') ?? '').not.toMatch(/connect|Socket|createServer|\*/);
  });
});
