// Bundles the CLI (dist/bin/berth.mjs plus one chunk per lazily loaded part). Node resolves
// and compiles a few large modules far faster than the few hundred files the engine client
// pulls in, so commands start sooner; the library (dist/index.js) stays unbundled.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// The engine client loads BuildKit sessions and progress decoding (gRPC, protobuf), the SSH
// transport, and a packer for build contexts given as folders; berth uses none of them (classic
// builder; unix and tcp hosts; it sends build contexts as tar streams of its own), so the CLI
// bundle leaves them out. Its copy of Node 10's streams gives way to Node's own, which it
// mirrors: half the engine client's code, and commands that talk to the engine start sooner.
const unused = {
  name: 'berth-unused-engine-parts',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|ssh|buildkit)$/ }, (args) =>
      /(dockerode|docker-modem)[\\/]lib$/.test(args.resolveDir) ? { path: args.path, namespace: 'berth-unused' } : undefined,
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

// Chunk names change with their content: start from an empty folder so old ones do not pile up.
rmSync('dist/bin', { recursive: true, force: true });

await build({
  entryPoints: { berth: 'dist/cli.js' },
  outdir: 'dist/bin',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native add-ons are optional for the engine client (it falls back to JavaScript).
  external: ['cpu-features', '*.node'],
  // Bundled CommonJS code still expects require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __berthRequire } from 'node:module';",
      "import { fileURLToPath as __berthPath } from 'node:url';",
      'const require = __berthRequire(import.meta.url);',
      'const __filename = __berthPath(import.meta.url);',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join('\n'),
  },
  plugins: [unused],
  logLevel: 'warning',
});
