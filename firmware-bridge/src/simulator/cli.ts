import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { parseScenario } from "./scenario";
import { createSimulator } from "./simulator";
import type { SimDeviceSpec } from "./spec";

// Simulated devices against a running broker, until Ctrl-C:
//   pnpm --filter @store/firmware-bridge sim -- --url mqtt://127.0.0.1:1883 --store SH-001 \
//     --devices scenarios/kiosk-devices.json --scenario scenarios/kiosk-basket.json
// Relative paths are read from the directory the command was typed in.

const usage = `Usage: sim --devices <devices.json> [--url mqtt://127.0.0.1:1883] [--store SH-001]
           [--scenario <scenario.json>] [--speed 1] [--seed 1] [--time-scale 1]
           [--protocol 4|5] [--log-level info]

  --devices     JSON array of devices: {id, model, password, unitWeightG?, initialUnits?, ...}
  --scenario    JSON scenario {name, steps: [{atMs, device, action, args?}]} replayed once started
  --speed       replay speed multiplier
  --time-scale  simulated time runs this many times faster (heartbeats, settling, drift, battery)
`;

async function readJson(path: string, what: string): Promise<unknown> {
  const fullPath = resolve(process.env.INIT_CWD ?? process.cwd(), path);
  let text: string;
  try {
    text = await readFile(fullPath, "utf8");
  } catch (error) {
    throw new Error(`Cannot read the ${what} file '${fullPath}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`The ${what} file '${fullPath}' is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got '${value}'`);
  return parsed;
}

async function main(): Promise<void> {
  // `pnpm sim -- --url ...` passes the `--` on; it separates nothing here.
  const args = process.argv.slice(2);
  const { values } = parseArgs({
    args: args[0] === "--" ? args.slice(1) : args,
    options: {
      url: { type: "string", default: "mqtt://127.0.0.1:1883" },
      store: { type: "string", default: "SH-001" },
      devices: { type: "string" },
      scenario: { type: "string" },
      speed: { type: "string" },
      seed: { type: "string" },
      "time-scale": { type: "string" },
      protocol: { type: "string" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help === true || values.devices === undefined) {
    process.stdout.write(usage);
    process.exitCode = values.help === true ? 0 : 2;
    return;
  }
  const protocol = number(values.protocol, "protocol", 4);
  if (protocol !== 4 && protocol !== 5) throw new Error(`--protocol must be 4 or 5, got ${protocol}`);

  const logger = pino({ level: values["log-level"] });
  const devices = await readJson(values.devices, "devices");
  const scenario = values.scenario === undefined ? undefined : await readJson(values.scenario, "scenario");
  const simulator = createSimulator({
    url: values.url,
    storeCode: values.store,
    // Validated by createSimulator, with the device and field named in its error.
    devices: devices as SimDeviceSpec[],
    seed: number(values.seed, "seed", 1),
    timeScale: number(values["time-scale"], "time-scale", 1),
    protocolVersion: protocol,
    logger,
  });

  // A bad scenario is refused before any device connects.
  if (scenario !== undefined)
    parseScenario(scenario, new Map(simulator.devices().map((each) => [each.id, each])));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`Stopping simulated devices (${signal})`);
    simulator.stop().then(
      () => (process.exitCode = 0),
      (error: unknown) => {
        logger.error({ err: error }, "Failed to stop the simulated devices");
        process.exitCode = 1;
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));

  await simulator.start();
  if (scenario !== undefined) {
    const result = await simulator.replay(scenario, { speed: number(values.speed, "speed", 1) });
    logger.info(
      result,
      `Replayed scenario '${result.name}' (${result.steps} steps in ${result.elapsedMs} ms)`,
    );
  }
  logger.info("Simulated devices running; Ctrl-C to stop");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
