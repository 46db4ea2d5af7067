import { runDecodeCli } from "./cli";

process.exitCode = await runDecodeCli(process.argv.slice(2));
