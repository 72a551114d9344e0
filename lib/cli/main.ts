/**
 * The `simd-conv2d` command line: run, image, bench, info. Commander parses; every error ends in
 * report-error.ts, so a user sees one line and an exit code, never a stack trace for their mistake.
 */
import { Command } from 'commander';

import { registerBenchCommand } from './commands/bench';
import { registerImageCommand } from './commands/image';
import { registerInfoCommand } from './commands/info';
import { registerRunCommand } from './commands/run';
import { packageVersion } from './package-root';
import { EXIT_OK, printError } from './report-error';

function buildProgram(): Command {
  const program = new Command('simd-conv2d')
    .description('The Keras Conv2D layer over a native SIMD kernel, from the command line.')
    .version(packageVersion(), '-V, --version', 'print the package version')
    // Errors come back as exceptions (exit codes are ours to choose) and are printed by printError.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ simd-conv2d info
  $ simd-conv2d run --config layer.json --random-weights --seed 1 --input x.npy --output y.npy
  $ simd-conv2d image --input examples/data/sample.png --filter sobel --output maps.png
  $ simd-conv2d bench --quick

Run 'simd-conv2d <command> --help' for a command's options and examples.
Exit codes: 0 done, 1 a file or value is wrong (or the command failed), 2 the command line is wrong.
SIMD_CONV2D_DEBUG=1 prints the stack of every error.`,
    );
  // Subcommands made with .command() inherit exitOverride and configureOutput.
  registerRunCommand(program);
  registerImageCommand(program);
  registerBenchCommand(program);
  registerInfoCommand(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv form) and returns the exit code; never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    return printError(err);
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
