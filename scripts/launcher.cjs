#!/usr/bin/env node
// The CLI's Node entry, copied into dist/bin by scripts/bundle-cli.mjs (the berth command,
// launcher.sh, runs it; on Windows, run it with node). It runs the bundled CLI
// (cli.cjs) with the V8 code cache the build made beside it (cli.v8cache), so that V8 does not
// parse and compile the bundle again at every start; V8 ignores a cache made by another
// version or with other flags, and the bundle is then compiled as usual.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, 'cli.cjs');
const CACHE = join(__dirname, 'cli.v8cache');

/** Compiles and runs the bundle (with the cache when there is one); returns its script and exports. */
function loadCli(useCache = true) {
  let cachedData;
  if (useCache) {
    try {
      cachedData = readFileSync(CACHE);
    } catch {
      // Built without a cache: compile as usual.
    }
  }
  // The build keeps the bundle to ASCII, which reads faster as latin1 than as UTF-8.
  const script = new Script(wrap(readFileSync(BUNDLE, 'latin1')), { filename: BUNDLE, cachedData });
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, createRequire(BUNDLE), cli, BUNDLE, __dirname);
  return { script, cli: cli.exports };
}

if (require.main === module) {
  // The berth command (launcher.sh) starts Node without NODE_EXTRA_CA_CERTS and hands its
  // value over under another name: the compose file's interpolation sees it as the user set it.
  const handed = process.env.BERTH_NODE_EXTRA_CA_CERTS;
  if (handed !== undefined) {
    process.env.NODE_EXTRA_CA_CERTS = handed;
    delete process.env.BERTH_NODE_EXTRA_CA_CERTS;
  }
  loadCli()
    .cli.main(process.argv.slice(2))
    // Exit once output is flushed; an idle engine connection must not keep the process alive.
    .then((code) => process.stdout.write('', () => process.exit(code)));
} else {
  module.exports = { loadCli, CACHE };
}
