import type { ExitCode } from '../errors.js';
import type { Io } from './io.js';

/** What every command gets: its I/O and the exit code it sets. */
export interface Context {
  io: Io;
  exitCode: ExitCode;
  /** --no-color was given (read from the program's options before any command runs). */
  noColor: boolean;
}
