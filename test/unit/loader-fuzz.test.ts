// Property-based tests of the whole loader: whatever the files hold, loadProject either
// resolves or rejects with a LoadError (no TypeError, RangeError or stack overflow) and does so
// quickly. Inputs come from a grammar of Compose keys and tricky scalars, from mutations of
// valid files, and from random bytes. Each run draws a new seed and prints it; on a failure
// fast-check prints the seed, the path and the shrunk input, and BERTH_FUZZ_SEED=<seed>
// replays the run exactly.
import assert from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { LoadError } from '../../src/errors.js';
import { loadProject } from '../../src/loader/index.js';
import { parseComposeText } from '../../src/loader/parse.js';

/** BERTH_FUZZ_SEED replays a run; BERTH_FUZZ_RUNS explores further by hand. */
const SEED = Number(process.env.BERTH_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.BERTH_FUZZ_RUNS ?? 1);
/** Outcomes of every run, printed when BERTH_FUZZ_STATS is set. */
const OUTCOMES = new Map<string, number>();
/** Per input: generous for a loaded machine, far below what a hang or a blow-up would take. */
const BOUND_MS = 2_000;

let dir: string;
beforeAll(() => {
  console.log(`loader fuzz seed ${SEED} (replay with BERTH_FUZZ_SEED=${SEED})`);
  dir = mkdtempSync(join(tmpdir(), 'berth-fuzz-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (process.env.BERTH_FUZZ_STATS) console.log(Object.fromEntries(OUTCOMES));
});

/** Counts one outcome ('ok' or a LoadError code) of a property, and of the whole run. */
function count(outcomes: Map<string, number>, outcome: string): void {
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  OUTCOMES.set(outcome, (OUTCOMES.get(outcome) ?? 0) + 1);
}

interface Input {
  compose: string | Uint8Array;
  /** Optional files next to it: an override, an extended/included file, env files. */
  override?: string;
  other?: string;
  dotenv?: string | Uint8Array;
  appEnv?: string;
}

let runs = 0;

/** Loads `input` from a fresh directory and counts its outcome; throws only when the loader does what it must not. */
async function check(input: Input, outcomes: Map<string, number>): Promise<void> {
  const run = join(dir, `run-${runs++}`);
  mkdirSync(run);
  try {
    writeFileSync(join(run, 'compose.yaml'), input.compose);
    if (input.override !== undefined) writeFileSync(join(run, 'compose.override.yaml'), input.override);
    if (input.other !== undefined) writeFileSync(join(run, 'other.yaml'), input.other);
    if (input.dotenv !== undefined) writeFileSync(join(run, '.env'), input.dotenv);
    if (input.appEnv !== undefined) writeFileSync(join(run, 'app.env'), input.appEnv);
    const started = performance.now();
    try {
      await loadProject({ cwd: run, environment: { SET: 'value', EMPTY: '', PORT: '8080', N: '3' } });
      count(outcomes, 'ok');
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      count(outcomes, err.code);
      // A LoadError always has something to say.
      expect(err.detail.length).toBeGreaterThan(0);
    }
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}

// --- a grammar of Compose documents ---------------------------------------------------------
// Every field has valid values and, in a noisy document, invalid ones and random values too. A
// clean document reaches the late stages (extends, include, normalization, checks); a noisy one
// probes the early ones.

/** Names that services, networks and volumes share, so that references sometimes resolve. */
const NAMES = ['web', 'db', 'a', 'b', 'default', 'data', 'front', 'base'];
const ODD_NAMES = ['constructor', '__proto__', 'toString', '', 'x y', '1'];

/** Scalars that mean something somewhere in a compose file, and scalars that should fail. */
const BENIGN = [
  'nginx',
  'nginx:1.25',
  '80',
  '80:80',
  '127.0.0.1:8080:80/udp',
  './data:/data',
  'data:/data',
  'service:web',
  'host',
  '10s',
  '512m',
  '0.5',
  'true',
  'no',
  '',
  ' ',
  '${SET}',
  '${UNSET}',
  '${SET:-d}',
  '$$',
  '$',
  '${SET:+${UNSET:-x}}',
  '${PORT}:80',
  '${N}',
  'CMD',
  'curl -f x',
  'web:alias',
  'KEY=value',
  'KEY',
  'always',
  'other.yaml',
  'app.env',
  'é',
  'a\nb',
  // Multi-line text, which the yaml library writes as block scalars of every kind.
  'line one\nline two\n',
  'para\n\nnext # not a comment',
  '\nleading\n',
  'kept\n\n',
  '  indented\nx',
  'x\n  more\ny\n',
  `${'word '.repeat(20)}\nend`,
];
const HOSTILE = [
  '70000:80',
  '80/xyz',
  ':::',
  'service:',
  '-5s',
  '10 parsecs',
  '12 potatoes',
  '1e400',
  '${',
  '${1A}',
  '${}',
  '${UNSET:?required}',
  '${EMPTY:?}',
  '=value',
  'a b',
  '"',
  '{',
  '[',
  '&a',
  '*a',
  '!reset',
  'missing.yaml',
  '/nonexistent/x.yaml',
  'x'.repeat(300),
  '\u0085',
];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...BENIGN, ...NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE, ...ODD_NAMES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -2, max: 70_000 }), fc.double(), fc.constant(2 ** 53 + 1)) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Anything, nested at most `depth` levels. */
function anything(depth: number): fc.Arbitrary<unknown> {
  if (depth <= 0) return scalar;
  const inner = anything(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...NAMES, ...ODD_NAMES), fc.string({ maxLength: 6 })), inner, {
        maxKeys: 3,
      }),
    },
  );
}

/** Builds the arbitraries of one kind of document: clean (valid values only) or noisy. */
function grammar(noisy: boolean) {
  /** Valid values; in a noisy document also invalid ones and anything at all. */
  const one = <T>(valid: fc.Arbitrary<T>, ...invalid: unknown[]): fc.Arbitrary<unknown> =>
    noisy
      ? fc.oneof(
          { weight: 8, arbitrary: valid },
          { weight: 1, arbitrary: invalid.length ? fc.constantFrom(...invalid) : scalar },
          { weight: 1, arbitrary: anything(2) },
        )
      : valid;
  const pick = (valid: unknown[], ...invalid: unknown[]) => one(fc.constantFrom(...valid), ...invalid);
  // Lists without repeats unless noisy: the schema rejects a repeated entry in most of them.
  const list = (item: fc.Arbitrary<unknown>) =>
    noisy
      ? fc.array(item, { maxLength: 3 })
      : fc.uniqueArray(item, { maxLength: 3, selector: (v) => JSON.stringify(v) });
  const rec = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) =>
    fc.record(fields, { requiredKeys: required });
  const name = noisy
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...NAMES) },
        { weight: 1, arbitrary: fc.constantFrom(...ODD_NAMES) },
      )
    : fc.constantFrom(...NAMES);
  const text = one(fc.constantFrom(...BENIGN), ...HOSTILE);
  const duration = pick(['10s', '1m30s', '500ms', '${N}s'], '-5s', '10 parsecs', 5);
  const bytes = pick(['512m', '1g', 1024, '0'], '12 potatoes', -1);
  const env = one(
    fc.oneof(
      fc.dictionary(
        fc.constantFrom('A', 'B', 'SET', 'PATH'),
        fc.oneof(fc.constantFrom('1', 'x', '${SET}', '$$'), fc.constant(null)),
        { maxKeys: 3 },
      ),
      list(fc.constantFrom('A=1', 'B', 'SET', 'C=${SET}')),
    ),
    '=x',
    5,
  );
  const serviceRef = (prefix: string) => name.map((n) => `${prefix}${n}`);

  const fields: Record<string, fc.Arbitrary<unknown>> = {
    image: pick(['nginx', 'nginx:1.25', '${SET}', 'registry.example.com/x:${N}']),
    build: one(
      fc.oneof(
        fc.constant('.'),
        rec(
          {
            context: fc.constantFrom('.', './app', 'https://github.com/a/b.git'),
            dockerfile: fc.constantFrom('Dockerfile', 'x/D'),
            args: env,
            secrets: list(name),
          },
          ['context'],
        ),
      ),
      { context: '.', dockerfile: 'D', dockerfile_inline: 'FROM x' },
    ),
    command: one(fc.oneof(text, list(text))),
    entrypoint: one(fc.oneof(text, list(text))),
    environment: env,
    env_file: one(
      fc.oneof(
        fc.constant('app.env'),
        list(
          fc.oneof(
            fc.constant('app.env'),
            rec({ path: fc.constantFrom('app.env', 'missing.env'), required: fc.constant(false) }, ['path']),
          ),
        ),
      ),
      'missing.env',
      '/nonexistent/x.env',
    ),
    ports: list(
      one(
        fc.oneof(
          fc.constantFrom('80', '8080:80', '127.0.0.1:8080:80/udp', '${PORT}:80', '8000-8001:80-81'),
          rec(
            {
              target: fc.integer({ min: 1, max: 65_535 }),
              published: fc.constantFrom('8080', '${PORT}'),
              protocol: fc.constantFrom('tcp', 'udp'),
            },
            ['target'],
          ),
        ),
        '70000:80',
        '80/xyz',
        { target: 80, protocol: 'http' },
      ),
    ),
    expose: list(pick(['80', '3000-3005', 8080], 'http')),
    volumes: list(
      one(
        fc.oneof(
          fc.constantFrom('./data:/data', 'data:/data', '/anon', '~/x:/x', './a:/data'),
          rec({ type: fc.constant('bind'), source: fc.constant('./src'), target: fc.constantFrom('/data', '/x') }, [
            'type',
            'target',
          ]),
        ),
        ':::',
        'undefined:/u',
      ),
    ),
    volumes_from: list(one(fc.oneof(name, fc.constantFrom('container:abc', 'web:ro')))),
    depends_on: one(
      fc.oneof(
        list(name),
        fc.dictionary(
          name,
          rec(
            {
              condition: fc.constantFrom('service_started', 'service_healthy', 'service_completed_successfully'),
              required: fc.boolean(),
              restart: fc.boolean(),
            },
            ['condition'],
          ),
          { maxKeys: 3 },
        ),
      ),
    ),
    networks: one(
      fc.oneof(
        list(name),
        fc.dictionary(name, fc.oneof(fc.constant(null), rec({ aliases: list(name) })), { maxKeys: 2 }),
      ),
    ),
    network_mode: one(fc.oneof(fc.constantFrom('host', 'none', 'bridge'), serviceRef('service:')), 'service:'),
    ipc: one(fc.oneof(fc.constantFrom('host', 'shareable'), serviceRef('service:'))),
    pid: one(fc.oneof(fc.constant('host'), serviceRef('service:'))),
    links: list(
      one(
        fc.oneof(
          name,
          name.map((n) => `${n}:alias`),
        ),
      ),
    ),
    extends: one(
      fc.oneof(
        name,
        rec({ service: name }, ['service']),
        rec({ file: fc.constantFrom('other.yaml', 'missing.yaml', 'compose.yaml'), service: name }, [
          'file',
          'service',
        ]),
      ),
    ),
    profiles: list(pick(['debug', 'tools'])),
    healthcheck: one(
      rec({
        test: fc.oneof(fc.constant(['CMD', 'true']), fc.constant('curl x'), fc.constant(['NONE'])),
        interval: duration,
        retries: fc.nat(5),
        disable: fc.boolean(),
      }),
      { test: ['RUN'] },
    ),
    deploy: one(
      rec({
        replicas: pick([0, 1, 2, '${N}']),
        resources: rec({ limits: rec({ memory: bytes, cpus: pick(['0.5', 2], 'lots'), pids: fc.nat(9) }) }),
      }),
    ),
    restart: pick(['always', 'no', 'unless-stopped', 'on-failure:3']),
    container_name: name,
    scale: pick([0, 1, 2, '${N}'], -1),
    ulimits: one(
      fc.dictionary(fc.constantFrom('nofile', 'nproc'), fc.oneof(fc.nat(9), fc.constant({ soft: 1, hard: 2 })), {
        maxKeys: 2,
      }),
      { nofile: { soft: 1 } },
    ),
    labels: env,
    cpus: pick([0.5, '1'], 'lots', -1),
    mem_limit: bytes,
    shm_size: bytes,
    stop_grace_period: duration,
    secrets: list(one(fc.oneof(name, rec({ source: name, target: fc.constantFrom('/run/x', 'x') }, ['source'])))),
    configs: list(one(fc.oneof(name, rec({ source: name, target: fc.constant('/etc/x') }, ['source'])))),
    tmpfs: one(fc.oneof(fc.constant('/run'), list(fc.constantFrom('/run', '/data', '/tmp:size=1m')))),
    extra_hosts: one(
      fc.oneof(
        list(fc.constantFrom('h:1.2.3.4', 'h=::1')),
        fc.dictionary(fc.constantFrom('h', 'k'), fc.constantFrom('1.2.3.4', '::1'), { maxKeys: 2 }),
      ),
      ['bad'],
    ),
    logging: one(
      rec({
        driver: fc.constantFrom('json-file', 'syslog'),
        options: fc.dictionary(fc.constantFrom('max-size', 'tag'), fc.constantFrom('1m', 'x'), { maxKeys: 2 }),
      }),
    ),
    develop: one(
      rec({
        watch: list(
          rec(
            {
              path: fc.constantFrom('.', './src'),
              action: fc.constantFrom('sync', 'rebuild', 'restart'),
              target: fc.constant('/app'),
            },
            ['path', 'action'],
          ),
        ),
      }),
    ),
    privileged: pick([true, false, 'yes'], 'maybe'),
    platform: pick(['linux/amd64', 'linux/arm64']),
    gpus: one(
      fc.oneof(
        fc.constant('all'),
        list(
          rec({ driver: fc.constant('nvidia'), count: fc.oneof(fc.integer({ min: -1, max: 2 }), fc.constant('all')) }),
        ),
      ),
    ),
    'x-meta': anything(2),
  };
  if (noisy) fields.imgae = scalar;

  const keys = Object.keys(fields);
  const service = fc
    .shuffledSubarray(
      keys.filter((k) => k !== 'image' && k !== 'build'),
      { minLength: 0, maxLength: 6 },
    )
    .chain((picked) =>
      fc.record(Object.fromEntries([...picked, 'image'].map((k) => [k, fields[k]])), {
        requiredKeys: noisy ? [] : ['image'],
      }),
    );

  const resource = fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    {
      weight: 4,
      arbitrary: rec({
        external: fc.boolean(),
        name: fc.constantFrom('custom', '${SET}'),
        driver: fc.constantFrom('local', 'bridge'),
        labels: env,
      }),
    },
  );
  const fileResource = rec({
    file: fc.constantFrom('./secret.txt', 'app.env'),
    environment: fc.constant('SET'),
    external: fc.constant(true),
  });
  const resources = (kind: fc.Arbitrary<unknown>) => one(fc.dictionary(name, kind, { maxKeys: 3 }));

  const include = one(
    list(
      fc.oneof(
        fc.constantFrom('other.yaml', 'missing.yaml', 'compose.yaml'),
        rec(
          {
            path: fc.constantFrom('other.yaml', './sub/../other.yaml'),
            env_file: fc.constantFrom('app.env', 'missing.env'),
            project_directory: fc.constantFrom('.', 'sub'),
          },
          ['path'],
        ),
      ),
    ),
  );
  return rec(
    {
      name: pick(['app', '${SET}', 'a_b-c'], 'App', 'x y'),
      services: one(fc.dictionary(name, service, { minKeys: 1, maxKeys: 4 })),
      networks: resources(resource),
      volumes: resources(resource),
      secrets: resources(fileResource),
      configs: resources(fileResource),
      include: noisy ? include : fc.constant(undefined),
      'x-anchor': anything(2),
    },
    ['services'],
  );
}

/** A document as YAML text; now and then with anchors, aliases or merge tags worked in. */
const documentText: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(grammar(false), grammar(true)), fc.constantFrom('yaml', 'yaml', 'json', 'anchors', 'tags'))
  .map(([doc, style]) => {
    const text = style === 'json' ? JSON.stringify(doc) : stringify(doc, { aliasDuplicateObjects: false });
    if (style === 'anchors')
      return `x-base: &base {image: nginx, environment: {A: "1"}}\n${text.replace(/^(\s+)image: .*$/m, '$1<<: *base')}`;
    if (style === 'tags')
      return text
        .replace(/^(\s+)(ports|environment|command|volumes):(.*)$/m, '$1$2: !reset$3')
        .replace(/^(\s+)labels:/m, '$1labels: !override');
    return text;
  });

// --- mutations of valid files ---------------------------------------------------------------

const VALID = [
  'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n    depends_on:\n      db: {condition: service_healthy}\n  db:\n    image: postgres\n    healthcheck: {test: ["CMD", "true"], interval: 5s}\n    volumes: [data:/var/lib/postgresql/data]\nvolumes:\n  data: {}\n',
  'name: app\nservices:\n  api:\n    build: {context: ., args: {V: "${SET}"}}\n    environment: [A=1, B]\n    env_file: [{path: app.env, required: false}]\n    networks: {front: {aliases: [api]}}\n    extends: {file: other.yaml, service: base}\nnetworks:\n  front: {}\n',
  'x-common: &common\n  restart: unless-stopped\n  logging: {driver: json-file}\nservices:\n  a:\n    <<: *common\n    image: a\n    links: [b]\n  b:\n    <<: *common\n    image: b\n    network_mode: "service:a"\n  c:\n    <<: *common\n    image: c\n    profiles: [debug]\n',
  'include:\n  - other.yaml\nservices:\n  worker:\n    image: w\n    command: ["run", "${N}"]\n    deploy: {replicas: 2, resources: {limits: {memory: 512m}}}\n    secrets: [token]\nsecrets:\n  token: {file: ./token.txt}\n',
];
const OTHER = 'services:\n  base:\n    image: base\n    environment: {FROM_BASE: "1"}\n';

const INSERTS = [
  ':',
  ': ',
  '-',
  '- ',
  ' ',
  '  ',
  '\t',
  '\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '&a ',
  '*a',
  '!reset ',
  '!override ',
  '<<: *a',
  '${',
  '}',
  '$',
  '#',
  ' # note',
  '\n# note\n',
  '? ',
  '|',
  '>',
  '%',
  '@',
  '\u0000',
  '\uFEFF',
  'é',
  '\\',
  '\\"',
  '---\n',
  ', ',
];

/** A place in the file, anywhere in it: fast-check would otherwise favour small numbers, the first lines. */
const place = fc.noBias(fc.nat());
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: place, text: fc.constantFrom(...INSERTS) }),
  fc.record({ kind: fc.constant('delete' as const), at: place, length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: place }),
  fc.record({ kind: fc.constant('swapLines' as const), at: place, with: place }),
  fc.record({ kind: fc.constant('indent' as const), at: place, by: fc.integer({ min: -3, max: 3 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  if (m.kind === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  if (m.kind === 'delete') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + m.length);
  }
  const lines = text.split('\n');
  const i = m.at % lines.length;
  if (m.kind === 'duplicateLine') lines.splice(i, 0, lines[i]);
  else if (m.kind === 'swapLines') {
    const j = m.with % lines.length;
    [lines[i], lines[j]] = [lines[j], lines[i]];
  } else lines[i] = m.by >= 0 ? ' '.repeat(m.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-m.by}}`), '');
  return lines.join('\n');
}

const mutated = fc
  .tuple(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 2 }))
  .map(([text, ms]) => ms.reduce(mutate, text));
/** A mutated file alone, or with an override file where one or both are mutated. */
const mutatedProject = fc.oneof(
  { weight: 2, arbitrary: fc.record({ compose: mutated, override: fc.constant(undefined) }) },
  { weight: 1, arbitrary: fc.record({ compose: mutated, override: mutated }) },
  { weight: 1, arbitrary: fc.record({ compose: fc.constantFrom(...VALID), override: mutated }) },
);

const envText = fc.oneof(
  fc.constantFrom(
    'A=1\nB="two"\nC=\'three\'\nexport D=${A}\n',
    'BAD KEY=1\n',
    'Q="unterminated\n',
    'E=${UNSET:?x}\n',
    'COMPOSE_PROJECT_NAME=Bad Name\n',
    'COMPOSE_PROFILES=debug\n',
  ),
  fc.string({ maxLength: 40 }),
);

/** Present one time in four. */
const rarely = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

// --- the properties -------------------------------------------------------------------------
// Each property also requires that some of its inputs get far: a generator that produced only
// broken files would pass "resolves or rejects" without testing the later stages.

describe('loadProject on generated input', () => {
  it('resolves or rejects with a LoadError for documents built from Compose keys', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        documentText,
        fc.option(documentText, { nil: undefined, freq: 2 }),
        rarely(envText),
        async (compose, other, dotenv) => {
          await check({ compose, other, dotenv, appEnv: 'APP=1\n' }, outcomes);
        },
      ),
      { seed: SEED, numRuns: 150 * RUNS, endOnFailure: true },
    );
    expect(outcomes.get('ok') ?? 0).toBeGreaterThanOrEqual(10 * RUNS);
  }, 20_000);

  it('resolves or rejects with a LoadError for mutations of valid files', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutatedProject, async ({ compose, override }) => {
        await check({ compose, override, other: OTHER, appEnv: 'APP=1\n' }, outcomes);
      }),
      { seed: SEED, numRuns: 200 * RUNS, endOnFailure: true },
    );
    // Most mutations break the file (one in twelve or so loads): that is their point.
    expect(outcomes.get('ok') ?? 0).toBeGreaterThanOrEqual(4 * RUNS);
  }, 20_000);

  it('resolves or rejects with a LoadError for random bytes and characters, alone or as a value', async () => {
    const outcomes = new Map<string, number>();
    const characters = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
    );
    // Random characters are almost never a compose file; as a quoted value in one, they often load.
    const inValue = characters.map(
      (s) => `services:\n  web:\n    image: nginx\n    labels:\n      note: ${JSON.stringify(s)}\n`,
    );
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 400 }), characters, inValue);
    await fc.assert(
      fc.asyncProperty(bytes, rarely(fc.uint8Array({ maxLength: 100 })), async (compose, dotenv) => {
        await check({ compose, dotenv }, outcomes);
      }),
      { seed: SEED, numRuns: 50 * RUNS, endOnFailure: true },
    );
    expect(outcomes.get('ok') ?? 0).toBeGreaterThanOrEqual(3 * RUNS);
  }, 20_000);
});
/** YAML features the generated documents rarely reach, each compared with the library as well. */
const YAML_FEATURES = [
  'a: &s hello\nb: *s\nc: [*s, *s]\n',
  '&k key: 1\nother: *k\n',
  'base: &b {x: 1, y: 2}\nm: {<<: *b, y: 3}\nn: {y: 3, <<: *b}\n',
  'one: &1 {a: 1}\ntwo: &2 {a: 2, b: 2}\nm: {<<: [*1, *2], c: 3}\n',
  'm:\n  <<: {a: 1, nested: {b: 2}}\n  <<: {a: 9, c: 3}\n',
  'deep: &d {list: [1, {x: [2, 3]}]}\nuse: [*d, {k: *d}]\n',
  'n: ~\ne:\nt: true\nf: False\ni: 0x1F\no: 0o17\nx: 1e3\ninf: -.inf\nv: 1.0\nq: "1"\n',
  'lit: |\n  line one\n  line two\nfold: >-\n  folded\n  text\n',
  '"quoted key": 1\n\'single\': 2\n? plain complex\n: 3\n',
  '__proto__: {polluted: true}\nconstructor: 1\ntoString: [1]\n',
  '1: a\ntrue: b\nnull: c\n',
  'seq:\n- a\n- - nested\n  - list\n- {k: v}\n-\n',
  'x: &a !!str 123\ny: *a\nz: !!int "7"\n',
];

describe('parseComposeText on generated input', () => {
  it.each(YAML_FEATURES)('builds what the yaml library builds for %j', (text) => {
    const theirs = parseDocument(text, { merge: true, uniqueKeys: false }).toJS({ maxAliasCount: -1 }) ?? {};
    assert.deepStrictEqual(parseComposeText(text, '/fuzz/compose.yaml').data, theirs);
  });

  // parseComposeText builds plain values itself (the library's toJS is quadratic in aliases):
  // it must build what the library builds, merge keys and aliases included.
  it('builds the same value as the yaml library', () => {
    const texts = fc.oneof(documentText, mutated).filter((t) => !/!reset|!override/.test(t));
    let read = 0;
    fc.assert(
      fc.property(texts, (text) => {
        let ours: unknown;
        try {
          ours = parseComposeText(text, '/fuzz/compose.yaml').data;
        } catch (err) {
          if (err instanceof LoadError) return;
          throw err;
        }
        read++;
        const theirs = parseDocument(text, { merge: true, uniqueKeys: false }).toJS({ maxAliasCount: -1 }) ?? {};
        // node:assert, not toStrictEqual: that one compares `constructor` properties, and a
        // mapping may well have a key called constructor.
        assert.deepStrictEqual(ours, theirs);
      }),
      { seed: SEED, numRuns: 100 * RUNS, endOnFailure: true },
    );
    expect(read).toBeGreaterThanOrEqual(30 * RUNS);
  });
});
