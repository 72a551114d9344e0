/**
 * How the CLI ends on an error: one line `simd-conv2d: <message>` on stderr for anything the user
 * can fix (exit 2 for usage, 1 otherwise), the stack only for what looks like a bug in this package
 * (or always with SIMD_CONV2D_DEBUG=1).
 */
import { CommanderError } from 'commander';

import { FileFormatError, NotImplementedError, UsageError, ValueError } from '../errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface ErrorReport {
  exitCode: number;
  /** The one line to print, without the `simd-conv2d: ` prefix; null when commander already printed (help). */
  line: string | null;
  /** Whether the stack is worth printing without SIMD_CONV2D_DEBUG. */
  internal: boolean;
}

// Our validation and the native module's argument checks always say what they expected or received;
// V8's own TypeErrors ("Cannot read properties of undefined") never do, and those are bugs.
const VALIDATION_TEXT = /expected|received|must be|must not/i;

/** Node's errors from the file system (ENOENT, EACCES, EISDIR...), named by their code and path. */
interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
}

function isSystemError(err: unknown): err is SystemError {
  return err instanceof Error && typeof (err as SystemError).code === 'string' && /^E[A-Z]+$/.test((err as SystemError).code);
}

const SYSTEM_ERROR_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a parent of this path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
};

function systemErrorLine(err: SystemError): string {
  const what = SYSTEM_ERROR_TEXT[err.code] ?? err.message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return err.path ? `${err.path}: ${what}` : `${what} (${err.code}${err.syscall ? ` in ${err.syscall}` : ''})`;
}

/** Commander's messages start with "error: " and may add a "(Did you mean ...?)" line. */
function commanderLine(err: CommanderError): string {
  return err.message.replace(/^error: /, '').split('\n').map((s) => s.trim()).filter(Boolean).join(' ');
}

/** Classifies an error thrown by a command (or by commander while parsing). */
export function reportError(err: unknown): ErrorReport {
  if (err instanceof CommanderError) {
    // Help and --version come through here too (exitOverride): their text is already printed.
    if (err.exitCode === 0) return { exitCode: EXIT_OK, line: null, internal: false };
    // Help shown because a command was missing: commander printed it to stderr already.
    if (err.code === 'commander.help' || err.code === 'commander.helpDisplayed') return { exitCode: EXIT_USAGE, line: null, internal: false };
    return { exitCode: EXIT_USAGE, line: commanderLine(err), internal: false };
  }
  if (err instanceof UsageError) return { exitCode: EXIT_USAGE, line: err.message, internal: false };
  if (err instanceof FileFormatError || err instanceof ValueError || err instanceof NotImplementedError) {
    return { exitCode: EXIT_FAILURE, line: err.message, internal: false };
  }
  if (isSystemError(err)) return { exitCode: EXIT_FAILURE, line: systemErrorLine(err), internal: false };
  if ((err instanceof TypeError || err instanceof RangeError) && VALIDATION_TEXT.test(err.message)) {
    return { exitCode: EXIT_FAILURE, line: err.message.split('\n')[0], internal: false };
  }
  if (err instanceof Error) {
    // The native loader's own report (no binary for this platform) is for the user, and multi-line.
    if (err.message.startsWith('simd-conv2d: ')) return { exitCode: EXIT_FAILURE, line: err.message.slice(13), internal: false };
    return { exitCode: EXIT_FAILURE, line: `internal error: ${err.message}`, internal: true };
  }
  return { exitCode: EXIT_FAILURE, line: `internal error: ${String(err)}`, internal: true };
}

/** Prints the report of `err` to stderr and returns the exit code. */
export function printError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const report = reportError(err);
  if (report.line !== null) stderr.write(`simd-conv2d: ${report.line}\n`);
  const debug = process.env.SIMD_CONV2D_DEBUG === '1';
  if ((report.internal || (debug && report.line !== null)) && err instanceof Error && err.stack) {
    stderr.write(`${err.stack}\n`);
  }
  return report.exitCode;
}
