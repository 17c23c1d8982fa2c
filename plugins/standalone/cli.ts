// `npm run portal -- <command> --host <dolibarr|alga-psa> [options]`, or `--binding FILE` for any
// CRM a binding file describes: the client portal beside a CRM that is not Node, run without
// writing code. Settings come from the environment (see --help).
// Thin: the command line (cli-run.ts) on this process's arguments, environment and streams. A
// refusal exits at once, whatever is still open; `serve` keeps the process until a signal.
import { runPortalCli } from './cli-run.ts';

const code = await runPortalCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
if (code !== 0) process.exit(code);
