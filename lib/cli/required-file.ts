/** Files named on the command line: checked up front, so the error names the option that named them. */
import * as fs from 'node:fs';

import { CliMessages, FileFormatError } from '../errors';

/** `file` must exist and be a file (not a directory). */
export function requireFile(option: string, file: string): void {
  if (!fs.existsSync(file)) throw new FileFormatError(file, CliMessages.notFound(option));
  if (fs.statSync(file).isDirectory()) throw new FileFormatError(file, CliMessages.isDirectory(option));
}
