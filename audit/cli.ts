// `npm run audit -- --database-url URL [--app-url URL] [--host NAME | --adapter NAME] [--out FILE] [--json FILE] [--write-binding FILE]`
// Thin: the command line (cli-run.ts) on this process's flags, environment and streams.
import { runAuditCli } from './cli-run.ts';

runAuditCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
