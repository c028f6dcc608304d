// Bundles the CLI into one file (dist/bin/cli.cjs) with its launchers (dist/bin/berth, from
// scripts/launcher.sh, and dist/bin/berth.cjs, from scripts/launcher.cjs) and a V8 code cache
// (dist/bin/cli.v8cache). Node resolves and compiles one file far faster than the few hundred
// the engine client pulls in, and with the cache V8 skips most of the compiling too, so
// commands start sooner. The library (dist/index.js) stays unbundled. One CommonJS file rather
// than ES module chunks: Node 20 has no code cache for ES modules.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { build } from 'esbuild';

// The engine client loads BuildKit sessions and progress decoding, the SSH transport, and a
// packer for build contexts given as folders; berth uses none of them (its own build session in
// src/engine/buildkit*.ts; unix and tcp hosts; it sends build contexts as tar streams of its
// own), so the CLI bundle leaves them out. Its copy of Node 10's streams gives way to Node's own, which it
// mirrors: half the engine client's code, and commands that talk to the engine start sooner.
const unused = {
  name: 'berth-unused-engine-parts',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|ssh|buildkit)$/ }, (args) =>
      /(dockerode|docker-modem)[\\/]lib$/.test(args.resolveDir)
        ? { path: args.path, namespace: 'berth-unused' }
        : undefined,
    );
    b.onResolve({ filter: /^(tar-fs|@balena\/dockerignore)$/ }, (args) =>
      /dockerode[\\/]lib$/.test(args.resolveDir) ? { path: args.path, namespace: 'berth-unused' } : undefined,
    );
    b.onResolve({ filter: /^readable-stream$/ }, () => ({ path: 'node:stream', external: true }));
    b.onLoad({ filter: /.*/, namespace: 'berth-unused' }, (args) => ({
      contents: `module.exports = function () { throw new Error(${JSON.stringify(`${args.path} is not available in the berth CLI`)}); };`,
      loader: 'js',
    }));
  },
};

// Start from an empty folder: nothing of an earlier layout stays behind.
rmSync('dist/bin', { recursive: true, force: true });
mkdirSync('dist/bin');

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/bin/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Native add-ons are optional for the engine client (it falls back to JavaScript). gRPC and
  // protobuf serve BuildKit builds only: berth imports them when a build starts, so they are
  // required from node_modules then, instead of being read and compiled at every start.
  external: ['cpu-features', '*.node', '@grpc/grpc-js', 'protobufjs'],
  // The sources are ES modules: give them import.meta.url in CommonJS.
  define: { 'import.meta.url': '__berthImportMetaUrl' },
  banner: { js: "const __berthImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [unused],
  // The launcher reads the bundle as latin1, faster than UTF-8: that needs pure ASCII.
  charset: 'ascii',
  // Less to read and scan at every start (a third of the size); names stay as written.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
// esbuild escapes non-ASCII characters except in regular expression literals.
const nonAscii = /[^\x00-\x7f]/.exec(readFileSync('dist/bin/cli.cjs', 'latin1'));
if (nonAscii)
  throw new Error(
    `dist/bin/cli.cjs holds a non-ASCII character (${JSON.stringify(nonAscii[0])}); write it as a \\u escape in the source`,
  );
copyFileSync('scripts/launcher.cjs', 'dist/bin/berth.cjs');
chmodSync('dist/bin/berth.cjs', 0o755);
copyFileSync('scripts/launcher.sh', 'dist/bin/berth');
chmodSync('dist/bin/berth', 0o755);

// The code cache holds what V8 compiled while the bundle ran: run it through what most commands
// do (the CLI, the loader and the yaml library reading the examples' compose files, the
// planner, the engine client up to its first request, to a socket that is not there), then
// save it.
const { loadCli, CACHE } = createRequire(import.meta.url)(resolve('dist/bin/berth.cjs'));
const { script, cli } = loadCli(false);
const output = new PassThrough().resume();
const dockerHost = process.env.DOCKER_HOST;
process.env.DOCKER_HOST = 'unix:///nonexistent/berth-build.sock';
try {
  for (const example of ['examples/web-postgres', 'examples/ml-pipeline']) {
    for (const command of [['config'], ['ps'], ['up', '--dry-run'], ['down', '--dry-run']]) {
      await cli.main(['--project-directory', example, ...command], output, output);
    }
  }
  await cli.main(['--help'], output, output);
} finally {
  if (dockerHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = dockerHost;
}
writeFileSync(CACHE, script.createCachedData());
