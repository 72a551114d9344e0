/**
 * Runs some of the jest suites against an installed copy of the package instead of lib/:
 * scripts/test-install.sh packs the package, installs the tarball into an empty project with
 * install scripts off and no compiler, and points SIMD_CONV2D_INSTALLED at
 * <project>/node_modules/simd-conv2d.
 */
const base = require('../jest.config.js');

const installed = process.env.SIMD_CONV2D_INSTALLED;
if (!installed) throw new Error('SIMD_CONV2D_INSTALLED: expected the installed package directory');

module.exports = {
  ...base,
  rootDir: '..',
  // '../lib' and '../../lib' (the tests' and helpers' imports) become the installed package.
  moduleNameMapper: { '^(\\.\\./)+lib$': installed },
};
