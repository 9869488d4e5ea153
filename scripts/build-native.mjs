#!/usr/bin/env node
/* global process, console */
// Builds the native engine (native/) with node-gyp when epo is installed. The build needs a C++17 compiler, make and
// python3, the same tools better-sqlite3 needs to build from source. It never fails the install: without it the
// built-in model runs on TensorFlow.js (slower; `epo model info` and the benches say which engine runs).
// --strict (npm run build:native) fails loudly instead. EPO_SKIP_NATIVE=1 skips it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const native = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

function done(ok, why) {
  if (ok) { console.log('epo: native engine built (native/build/Release/epo_native.node)'); process.exit(0); }
  const msg = `epo: the native engine was not built (${why}); the built-in model will run on TensorFlow.js, several times slower. Install a C++ compiler, make and python3, then run \`npm run build:native\`.`;
  console.warn(msg);
  process.exit(strict ? 1 : 0);
}

if (process.env.EPO_SKIP_NATIVE === '1' && !strict) done(false, 'EPO_SKIP_NATIVE=1');
if (!existsSync(join(native, 'binding.gyp'))) done(false, 'native/binding.gyp is missing');
const gyp = nodeGyp();
const cmd = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const r = spawnSync(cmd[0], cmd[1], { cwd: native, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.error) done(false, `node-gyp could not start: ${r.error.message}`);
if (r.status !== 0) {
  const tail = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /error|Error/.test(l)).slice(-5).join('\n');
  done(false, `node-gyp exited with ${r.status}${tail ? `:\n${tail}` : ''}`);
}
done(true);
