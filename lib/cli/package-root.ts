/**
 * Where the package lives, and what it was installed with. The CLI runs from dist/cli/ (installed
 * or built) and from lib/cli/ (ts-jest); both sit two levels below the package root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PACKAGE_ROOT = path.join(__dirname, '..', '..');

/** The `version` of this package's package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** The repository's benchmark orchestrator; absent from the published package (not in "files"). */
export function checkoutBenchScript(): string | null {
  const script = path.join(PACKAGE_ROOT, 'bench', 'run.js');
  return fs.existsSync(script) ? script : null;
}
