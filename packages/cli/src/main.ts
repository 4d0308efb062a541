import { processIo, run } from './run.js';

/** The `gatehouse` binary. `serve` keeps the process alive; every other command ends it with its exit code. */
const argv = process.argv.slice(2);
const code = await run(argv, processIo());
process.exit(code);
