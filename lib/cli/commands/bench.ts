/**
 * `simd-conv2d bench`: in a checkout, the repository's full benchmark (bench/run.js, with peers);
 * in an installed package (or with --self), a self-contained benchmark of this package alone.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Command, InvalidArgumentError, Option } from 'commander';

import { CliMessages, UsageError } from '../../errors';
import { getIsa, getNumThreads } from '../../runtime';
import { loadSuiteLayers, selectSuiteLayers } from '../bench-suite';
import { benchMarkdown, benchTable, PEERS_NOTE, runSelfBench } from '../bench-self';
import { checkoutBenchScript, PACKAGE_ROOT } from '../package-root';
import { nameList, threadCountList } from '../options';

export interface BenchOptions {
  layers?: string[];
  threads?: number[];
  quick?: boolean;
  peers?: string[];
  out?: string;
  self?: boolean;
}

/** What bench/run.js accepts for --peers (bench/cli.js). */
const PEERS = ['ours', 'core', 'ort', 'tfjs', 'onednn'];

function peerList(value: string): string[] {
  const peers = nameList(value);
  const unknown = peers.filter((p) => !PEERS.includes(p));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown peer(s) ${unknown.join(', ')}; expected some of ${PEERS.join(', ')}`);
  return peers;
}

const EXAMPLES = `
In a checkout of the repository this runs bench/run.js (bench/README.md): our layer next to ONNX
Runtime, TensorFlow.js and oneDNN, each checked against our output first. It writes no report
(BENCHMARKS.md) unless --out is given; its raw data goes to build/bench-results.json. In an installed
package (or with --self) it times this package alone.

Examples:
  $ simd-conv2d bench --quick                        # every suite layer, 1 and 2 threads, short
  $ simd-conv2d bench --layers L2,L3 --threads 2 --peers ours,ort
  $ simd-conv2d bench --out BENCHMARKS.md            # the full run that writes the report
  $ simd-conv2d bench --self --layers L1 --threads 1 --quick
      layer  name          threads  ms (median)  GFLOP/s  calls
      L1     seed example        1       0.1722    109.6    181

Exit codes: 0 done, 1 the benchmark failed, 2 the command line is wrong.`;

/** bench/run.js's arguments for these options; BENCHMARKS.md is written only when --out asks for a report. */
export function checkoutBenchArgs(o: BenchOptions, cwd: string = process.cwd()): string[] {
  const args: string[] = [];
  if (o.layers) args.push('--layers', o.layers.join(','));
  if (o.threads) args.push('--threads', o.threads.join(','));
  if (o.peers) args.push('--peers', o.peers.join(','));
  if (o.quick) args.push('--quick');
  // bench/run.js resolves --out against the repository root; the user meant their own directory.
  // --write because run.js skips writing on --quick unless told.
  if (o.out !== undefined) args.push('--out', path.resolve(cwd, o.out), '--write');
  else args.push('--no-write');
  return args;
}

/** Runs bench/run.js with the terminal attached, so its progress bar and tables show as they are. */
function runCheckoutBench(script: string, o: BenchOptions): Promise<number> {
  const args = checkoutBenchArgs(o);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function runSelfContained(o: BenchOptions): Promise<void> {
  if (o.peers) throw new UsageError(CliMessages.needsCheckout('--peers'));
  const layers = selectSuiteLayers(loadSuiteLayers(), o.layers);
  const threads = o.threads ?? [...new Set([1, getNumThreads()])];
  const rows = await runSelfBench(layers, threads, o.quick === true);
  process.stdout.write(`simd-conv2d self-contained benchmark (kernels: ${getIsa()}${o.quick ? ', --quick' : ''})\n`);
  process.stdout.write(`${benchTable(rows)}\n${PEERS_NOTE}\n`);
  if (o.out !== undefined) {
    fs.writeFileSync(o.out, benchMarkdown(rows, `simd-conv2d self-contained benchmark (${getIsa()})`));
    process.stdout.write(`wrote ${o.out}\n`);
  }
}

async function benchCommand(o: BenchOptions): Promise<void> {
  const script = o.self ? null : checkoutBenchScript();
  if (script === null) return runSelfContained(o);
  // Unknown layer ids fail here, in one line, instead of after bench/run.js has started.
  selectSuiteLayers(loadSuiteLayers(), o.layers);
  const code = await runCheckoutBench(script, o);
  if (code !== 0) process.exitCode = code;
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .summary("the package's benchmark (with peers in a checkout)")
    .description("Times the benchmark suite's layers (bench/suite.json): with peers in a checkout, this package alone otherwise.")
    .addOption(new Option('--layers <ids>', 'suite layers, e.g. L1,L3 (default: all)').argParser(nameList))
    .addOption(new Option('--threads <list>', 'thread counts, e.g. 1,2 (default: 1,2 in a checkout, else 1 and the default count)').argParser(threadCountList))
    .option('--quick', 'short timing windows (a smoke run)')
    .addOption(new Option('--peers <list>', `checkout only: some of ${PEERS.join(',')}`).argParser(peerList))
    .option('--out <file>', 'write the report (markdown) here; nothing is written without it')
    .option('--self', 'the self-contained benchmark even in a checkout')
    .addHelpText('after', EXAMPLES)
    .action((opts: BenchOptions) => benchCommand(opts));
}
