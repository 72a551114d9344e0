#!/usr/bin/env node
'use strict';
// The `simd-conv2d` command (package.json "bin"); the CLI itself is lib/cli/, compiled to dist/cli/.
const { main } = require('../dist/cli/main.js');

main(process.argv).then((code) => {
  // exitCode, not exit(): stdout may still be draining into a pipe.
  process.exitCode = code;
});
