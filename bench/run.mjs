// `npm run bench`: speed and memory, measured side by side in one run so that the ratios
// mean something on a shared, noisy machine. Needs `npm run build` and, for the engine
// part, the test bed's engine (test/bed/engine.sh) with the busybox image. `npm run bench --
// --config-only` measures `config` alone, without touching the engine.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Docker from 'dockerode';
import { directDown, directUp } from './direct-api.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The berth command as npm puts it on PATH, run with the Node that runs the bench.
const cli = join(root, 'dist/bin/berth');
const cliEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
const CONFIG_ROUNDS = 9;
const ENGINE_ROUNDS = 9;
// Where NODE_EXTRA_CA_CERTS is set, every Node program parses those certificates, with Node's
// own, before its first line runs. The berth command starts Node without it (it has no use for
// them); the bench shows what that spares.
const EXTRA_CA = 'NODE_EXTRA_CA_CERTS';
const withoutExtraCa =
  process.env[EXTRA_CA] === undefined
    ? undefined
    : Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== EXTRA_CA));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeCommand(file, args, cwd, env = cliEnv) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${[file, ...args].join(' ')} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

/** 200 services; `anchored`: their shared settings come from an `x-` anchor, merged with `<<`. */
function bigProject(services, anchored) {
  const shared = [
    'image: busybox',
    'init: true',
    'healthcheck: {test: ["CMD", "true"], interval: 30s}',
    'labels: {tier: bench}',
  ];
  const lines = anchored ? ['x-common: &common', ...shared.map((l) => `  ${l}`), 'services:'] : ['services:'];
  for (let i = 0; i < services; i++) {
    lines.push(
      `  svc${i}:`,
      ...(anchored ? ['    <<: *common'] : shared.map((l) => `    ${l}`)),
      '    command: ["sleep", "3600"]',
      `    environment: {INDEX: "${i}", NAME: "\${NAME:-svc}"}`,
      `    ports: ["127.0.0.1:${20000 + i}:80"]`,
      '    volumes: ["data:/data", "./src:/src:ro"]',
      ...(i > 0 ? ['    depends_on:', `      svc${i - 1}: {condition: service_started}`] : []),
    );
  }
  lines.push('volumes:', '  data: {}');
  return lines.join('\n') + '\n';
}

function benchConfig() {
  // Node's own start, as berth starts it (without NODE_EXTRA_CA_CERTS where that is set), is
  // timed in every round next to berth, and the time past it is taken round by round: on a
  // shared machine both slow down together. Peak memory comes from runs of their own, with a
  // preloaded exit hook that wall time should not pay for.
  const nodeEnv = withoutExtraCa ?? process.env;
  const withRss = {
    ...cliEnv,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(root, 'bench/rss-on-exit.mjs'))}`,
  };
  const variants = [
    ['written out', false],
    ['sharing an x- anchor', true],
  ].map(([label, anchored]) => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-config-'));
    writeFileSync(join(dir, 'compose.yaml'), bigProject(200, anchored));
    return { label, dir, wall: [], past: [], rss: [] };
  });
  const nodeAlone = [];
  for (let i = 0; i < CONFIG_ROUNDS; i++) {
    const node = timeCommand(process.execPath, ['-e', ''], tmpdir(), nodeEnv).ms;
    nodeAlone.push(node);
    for (const v of variants) {
      const { ms } = timeCommand(cli, ['config'], v.dir);
      v.wall.push(ms);
      v.past.push(ms - node);
      v.rss.push(JSON.parse(timeCommand(cli, ['config'], v.dir, withRss).stderr.trim().split('\n').at(-1)).maxRssKb);
    }
  }
  console.log(
    `berth config, 200 services (whole process, median of ${CONFIG_ROUNDS} rounds; target: within 350 ms of Node's start)`,
  );
  console.log(
    `  Node alone starts in ${median(nodeAlone).toFixed(0)} ms${withoutExtraCa ? ` without ${EXTRA_CA}, as berth starts it` : ''}`,
  );
  for (const v of variants) {
    rmSync(v.dir, { recursive: true, force: true });
    const past = `${median(v.past).toFixed(0)} ms past Node's start, rounds ${Math.min(...v.past).toFixed(0)}-${Math.max(...v.past).toFixed(0)}`;
    console.log(
      `  ${v.label.padEnd(22)} wall time ${median(v.wall).toFixed(0).padStart(4)} ms (${past})   peak memory ${(median(v.rss) / 1024).toFixed(1)} MiB`,
    );
  }
}

async function engineAvailable(docker) {
  try {
    await docker.ping();
    await docker.getImage('busybox').inspect();
    return true;
  } catch {
    return false;
  }
}

function smallProject(n) {
  const lines = ['services:'];
  for (let i = 0; i < n; i++)
    lines.push(`  s${i}:`, '    image: busybox', '    command: ["sleep", "3600"]', '    init: true');
  return lines.join('\n') + '\n';
}

/** Milliseconds `fn` takes. */
async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function composeTool() {
  for (const [cmd, args] of [
    ['docker-compose', []],
    ['docker', ['compose']],
  ]) {
    try {
      execFileSync(cmd, [...args, 'version'], { stdio: 'ignore' });
      return [cmd, args];
    } catch {
      // not installed
    }
  }
  return undefined;
}

function timeTool(cmd, args, cwd) {
  const start = process.hrtime.bigint();
  execFileSync(cmd, args, { cwd, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * What an interrupted earlier run left: containers and networks of the bench projects. A
 * network the engine still counts an endpoint on (a known engine fault) is left, and named.
 */
async function removeLeftovers(docker) {
  const prefix = /^\/?bench(direct|process|berth|compose)\d/;
  const containers = await docker.listContainers({ all: true, filters: { name: ['bench'] } });
  await Promise.all(
    containers
      .filter((c) => c.Names.some((n) => prefix.test(n)))
      .map((c) => docker.getContainer(c.Id).remove({ force: true })),
  );
  const networks = await docker.listNetworks({ filters: { name: ['bench'] } });
  await Promise.all(
    networks
      .filter((n) => prefix.test(n.Name))
      .map((n) =>
        docker
          .getNetwork(n.Id)
          .remove()
          .catch((err) => console.log(`(left network ${n.Name}: ${err.json?.message ?? err.message})`)),
      ),
  );
}

async function benchEngine() {
  const docker = new Docker();
  if (!(await engineAvailable(docker))) {
    console.log(
      '\nengine benchmarks skipped: no engine with the busybox image (run test/bed/engine.sh and test/bed/images.sh)',
    );
    return;
  }
  await removeLeftovers(docker);
  const n = 20;
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-engine-'));
  writeFileSync(join(dir, 'compose.yaml'), smallProject(n));
  const rows = {
    directUp: [],
    directDown: [],
    processUp: [],
    processDown: [],
    berthUp: [],
    berthNoop: [],
    berthDown: [],
    composeUp: [],
    composeNoop: [],
    composeDown: [],
  };
  const compose = composeTool();
  const direct = join(root, 'bench/direct-api.mjs');
  const contenders = [
    async (round) => {
      const project = `benchdirect${process.pid}x${round}`;
      rows.directUp.push(await timed(() => directUp(docker, project, n)));
      rows.directDown.push(await timed(() => directDown(docker, project)));
    },
    async (round) => {
      const project = `benchprocess${process.pid}x${round}`;
      rows.processUp.push(timeCommand(process.execPath, [direct, 'up', project, String(n)], dir).ms);
      rows.processDown.push(timeCommand(process.execPath, [direct, 'down', project], dir).ms);
    },
    (round) => {
      const env = { ...cliEnv, COMPOSE_PROJECT_NAME: `benchberth${process.pid}x${round}` };
      rows.berthUp.push(timeCommand(cli, ['up', '-d'], dir, env).ms);
      rows.berthNoop.push(timeCommand(cli, ['up', '-d'], dir, env).ms);
      rows.berthDown.push(timeCommand(cli, ['down'], dir, env).ms);
    },
  ];
  if (compose) {
    const [cmd, pre] = compose;
    contenders.push(async (round) => {
      const p = ['-p', `benchcompose${process.pid}x${round}`];
      rows.composeUp.push(timeTool(cmd, [...pre, ...p, 'up', '-d'], dir));
      rows.composeNoop.push(timeTool(cmd, [...pre, ...p, 'up', '-d'], dir));
      rows.composeDown.push(timeTool(cmd, [...pre, ...p, 'down'], dir));
    });
  }
  // Each round runs every contender once, starting with a different one each time: whoever
  // goes first meets an engine still busy cleaning up after the one before.
  for (let round = 0; round < ENGINE_ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) await contenders[(round + k) % contenders.length](round);
  }
  rmSync(dir, { recursive: true, force: true });
  // Ratios are taken round by round (same machine state), then the median of those: against
  // the engine limit in this process, and against the same calls from a fresh Node process.
  const ratios = (ms, base) => ms.map((v, i) => v / base[i]);
  const ratio = (ms, base) => median(ratios(ms, base)).toFixed(2);
  // The spread of the engine-limit ratio over the rounds shows how noisy the machine was.
  const spread = (ms, base) =>
    `rounds ${Math.min(...ratios(ms, base)).toFixed(2)}-${Math.max(...ratios(ms, base)).toFixed(2)}`;
  const fmt = (ms, [inside, outside] = []) =>
    `${median(ms).toFixed(0).padStart(6)} ms${inside ? `   ${ratio(ms, inside)}x engine limit (${spread(ms, inside)}${outside ? `; ${ratio(ms, outside)}x from a process` : ''})` : ''}`;
  const up = [rows.directUp, rows.processUp];
  const down = [rows.directDown, rows.processDown];
  console.log(`\n${n} independent busybox services (median of ${ENGINE_ROUNDS} rounds, side by side)`);
  console.log(`  engine limit, create+start in parallel  ${fmt(rows.directUp)}`);
  console.log(`    the same from a fresh Node process    ${fmt(rows.processUp)}`);
  console.log(`  engine limit, stop+remove in parallel   ${fmt(rows.directDown)}`);
  console.log(`    the same from a fresh Node process    ${fmt(rows.processDown)}`);
  console.log(`  berth up -d                             ${fmt(rows.berthUp, up)}   (target: within 1.10x)`);
  console.log(`  berth up -d, nothing to do              ${fmt(rows.berthNoop)}   (target: under 300 ms)`);
  console.log(`  berth down                              ${fmt(rows.berthDown, down)}   (target: within 1.10x)`);
  if (compose) {
    console.log(`  ${compose[0]} up -d`.padEnd(42) + fmt(rows.composeUp, up));
    console.log(`  ${compose[0]} up -d, nothing to do`.padEnd(42) + fmt(rows.composeNoop));
    console.log(`  ${compose[0]} down`.padEnd(42) + fmt(rows.composeDown, down));
  } else {
    console.log('  docker compose: not installed here, so no side-by-side comparison');
  }
}

benchConfig();
if (!process.argv.includes('--config-only')) await benchEngine();
