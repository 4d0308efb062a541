export { type CliIo, ExitCode } from './io.js';
export { processIo, run, VERSION } from './run.js';
