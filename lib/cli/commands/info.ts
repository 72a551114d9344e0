/** `simd-conv2d info`: what this installation runs with. */
import * as path from 'node:path';

import { Command } from 'commander';

import { info } from '../../runtime';
import { PACKAGE_ROOT, packageVersion } from '../package-root';

export interface InstallationInfo {
  version: string;
  /** The version compiled into the native module (equal to `version` unless the build is stale). */
  nativeVersion: string;
  isa: string;
  isaSource: string;
  availableIsas: string[];
  numThreads: number;
  threadsSource: string;
  openmp: boolean;
  malloc: string;
  /** The Node-API version the module was built for, and the one this Node.js offers. */
  napiVersion: number;
  nodeNapiVersion: number | null;
  node: string;
  platform: string;
  arch: string;
  binary: { path: string; kind: 'prebuilt' | 'built from source' | 'unknown' };
}

/** Where node-gyp-build finds the binary: the same lookup the package's loader does. */
function binaryInfo(): InstallationInfo['binary'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resolve = (require('node-gyp-build') as { path(dir: string): string }).path;
  const file = resolve(PACKAGE_ROOT);
  const rel = path.relative(PACKAGE_ROOT, file).split(path.sep);
  const kind = rel[0] === 'prebuilds' ? 'prebuilt' : rel[0] === 'build' ? 'built from source' : 'unknown';
  return { path: file, kind };
}

function threadsSource(openmp: boolean): string {
  if (!openmp) return 'built without OpenMP: one thread';
  const env = process.env.SIMD_CONV2D_NUM_THREADS;
  if (env !== undefined && env !== '') return `SIMD_CONV2D_NUM_THREADS=${env}`;
  return 'default: the cores this process may use, by CPU affinity mask and cgroup quota';
}

export function installationInfo(): InstallationInfo {
  const native = info();
  const forced = process.env.SIMD_CONV2D_ISA;
  return {
    version: packageVersion(),
    nativeVersion: native.version,
    isa: native.isa,
    isaSource: forced ? `SIMD_CONV2D_ISA=${forced}` : 'automatic: the best set this CPU and OS support',
    availableIsas: native.availableIsas,
    numThreads: native.numThreads,
    threadsSource: threadsSource(native.openmp),
    openmp: native.openmp,
    malloc: native.malloc,
    napiVersion: native.napiVersion,
    nodeNapiVersion: process.versions.napi ? Number(process.versions.napi) : null,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    binary: binaryInfo(),
  };
}

const MALLOC_TEXT: Record<string, string> = {
  retain: 'retain (freed outputs are reused in place; SIMD_CONV2D_MALLOC=default opts out)',
  default: "default (glibc's own policy, SIMD_CONV2D_MALLOC=default)",
  user: 'user (your GLIBC_TUNABLES / MALLOC_*_ settings, left alone)',
  unsupported: 'unsupported (not glibc)',
};

export function infoText(i: InstallationInfo): string {
  const rows: [string, string][] = [
    // Equal unless the native module is a stale build of another version.
    ...(i.nativeVersion === i.version ? [] : [['native module', i.nativeVersion] as [string, string]]),
    ['ISA', `${i.isa} (${i.isaSource})`],
    ['available ISAs', i.availableIsas.join(', ')],
    ['threads', `${i.numThreads} (${i.threadsSource})`],
    ['OpenMP', i.openmp ? 'yes' : 'no'],
    ['malloc policy', MALLOC_TEXT[i.malloc] ?? i.malloc],
    ['Node-API', `${i.napiVersion} (this Node.js offers ${i.nodeNapiVersion ?? 'unknown'})`],
    ['Node.js', `${i.node} on ${i.platform}-${i.arch}`],
    ['binary', `${i.binary.kind}: ${i.binary.path}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`simd-conv2d ${i.version}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .summary('versions, instruction set, threads and the loaded binary')
    .description('Prints what this installation runs with: versions, the kernels\' instruction set, threads, malloc policy and binary.')
    .option('--json', 'print it as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ simd-conv2d info
  $ simd-conv2d info --json
  $ SIMD_CONV2D_ISA=scalar SIMD_CONV2D_NUM_THREADS=1 simd-conv2d info`,
    )
    .action((opts: { json?: boolean }) => {
      const i = installationInfo();
      process.stdout.write(`${opts.json ? JSON.stringify(i, null, 2) : infoText(i)}\n`);
    });
}
