import { deviceDefinitions, storeCodeSchema, type DefinitionSet } from "@store/contracts";
import { pino, type Logger } from "pino";
import { SimDevice } from "./device";
import { createRandom, deviceSeed } from "./random";
import { parseScenario, type ScenarioStep } from "./scenario";
import { resolveDeviceSpecs, SimulatorError, type SimDeviceSpec } from "./spec";

export type SimulatorOptions = {
  /** The broker, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  storeCode: string;
  devices: SimDeviceSpec[];
  /** Seeds noise, dropouts and radio readings; the same seed draws the same numbers. Default 1. */
  seed?: number;
  logger?: Logger;
  /** 4 (MQTT 3.1.1, default: the embedded broker and Mosquitto) or 5 (Mosquitto only). */
  protocolVersion?: 4 | 5;
  /**
   * Simulated time runs this many times faster: heartbeats every heartbeatS / timeScale, scales
   * settle in stabilityWindowMs / timeScale, drift and battery drain per simulated hour. Default 1.
   */
  timeScale?: number;
  /** Device models. Default: the contract's `deviceDefinitions`. */
  definitions?: DefinitionSet;
  /** How long a device waits to reconnect after losing the broker. Default 1000 ms. */
  reconnectPeriodMs?: number;
  /** How long `start()` waits for each device's connection. Default 10 000 ms. */
  connectTimeoutMs?: number;
};

export type ReplayResult = { name: string; steps: number; elapsedMs: number };

export type Simulator = {
  /** Connects every device; each publishes `online`, telemetry and (a sensor) its weight. */
  start(): Promise<void>;
  /** Stops replays and every device cleanly (`offline`, DISCONNECT). */
  stop(): Promise<void>;
  /** A device by id; throws `SimulatorError` UNKNOWN_DEVICE. */
  device(id: string): SimDevice;
  devices(): SimDevice[];
  /**
   * Validates a scenario (parsed JSON) and plays its steps at their times divided by `speed`,
   * each awaited in turn. Rejects with INVALID_SCENARIO before anything runs, or with the first
   * step that fails.
   */
  replay(scenario: unknown, options?: { speed?: number }): Promise<ReplayResult>;
};

/**
 * Simulated store devices speaking the real protocol to a real broker (see `SimDevice`). Throws
 * `SimulatorError` INVALID_SIMULATOR_CONFIG for invalid options or devices; connects nothing
 * until `start()`.
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const invalid = (problem: string) =>
    new SimulatorError("INVALID_SIMULATOR_CONFIG", `Invalid simulator options: ${problem}`);
  if (!/^(mqtts?|wss?|tcp):\/\/./.test(options.url)) {
    throw invalid(`url '${options.url}' is not an mqtt://, mqtts://, ws:// or wss:// address`);
  }
  const storeCode = storeCodeSchema.safeParse(options.storeCode);
  if (!storeCode.success)
    throw invalid(`storeCode '${options.storeCode}' ${storeCode.error.issues[0]?.message ?? ""}`);
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0 && timeScale <= 10_000)) {
    throw invalid(`timeScale ${timeScale} is not in (0, 10000]`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw invalid(`seed ${seed} is not an integer`);
  const protocolVersion = options.protocolVersion ?? 4;
  if (protocolVersion !== 4 && protocolVersion !== 5)
    throw invalid(`protocolVersion ${String(protocolVersion)} is not 4 or 5`);

  const logger = (options.logger ?? pino({ enabled: false })).child({ module: "simulator" });
  const specs = resolveDeviceSpecs(options.devices, options.definitions ?? deviceDefinitions);
  const byId = new Map<string, SimDevice>();
  for (const spec of specs) {
    byId.set(
      spec.id,
      new SimDevice(spec, {
        url: options.url,
        storeCode: storeCode.data,
        protocolVersion,
        timeScale,
        reconnectPeriodMs: options.reconnectPeriodMs ?? 1_000,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        logger,
        random: createRandom(deviceSeed(seed, spec.id)),
      }),
    );
  }

  const replays = new Set<AbortController>();

  function device(id: string): SimDevice {
    const found = byId.get(id);
    if (found === undefined) throw new SimulatorError("UNKNOWN_DEVICE", `No simulated device '${id}'`);
    return found;
  }

  async function run(step: ScenarioStep): Promise<void> {
    const target = device(step.device);
    switch (step.action) {
      case "scan":
        await target.scan(step.args.code, step.args.symbology);
        return;
      case "take":
        return target.take(step.args.units);
      case "put":
        return target.put(step.args.units);
      case "place":
        return target.place(step.args.grams);
      case "remove":
        return target.remove(step.args.grams);
      case "clear":
        return target.clear();
      case "kill":
        target.kill();
        return;
      case "restart":
        return target.restart();
      case "stop":
        return target.stop();
    }
  }

  return {
    async start() {
      const results = await Promise.allSettled([...byId.values()].map((each) => each.start()));
      const failures = results.flatMap((result) =>
        result.status === "rejected" ? [result.reason as Error] : [],
      );
      if (failures.length > 0) {
        await Promise.all([...byId.values()].map((each) => each.stop()));
        throw new SimulatorError(
          "CONNECT_FAILED",
          `${failures.length} of ${byId.size} simulated devices did not start: ${failures
            .slice(0, 3)
            .map((error) => error.message)
            .join("; ")}`,
          { cause: failures[0] },
        );
      }
      logger.info(`Started ${byId.size} simulated devices (${options.url}, store ${storeCode.data})`);
    },

    async stop() {
      for (const replay of replays) replay.abort();
      await Promise.all([...byId.values()].map((each) => each.stop()));
      logger.info(`Stopped ${byId.size} simulated devices`);
    },

    device,
    devices: () => [...byId.values()],

    async replay(input, replayOptions = {}) {
      const speed = replayOptions.speed ?? 1;
      if (!(Number.isFinite(speed) && speed > 0)) {
        throw new SimulatorError(
          "INVALID_ARGUMENT",
          `Cannot replay at speed ${speed}: not a positive number`,
        );
      }
      const scenario = parseScenario(input, byId);
      const controller = new AbortController();
      replays.add(controller);
      const startedAt = Date.now();
      logger.info(`Replaying scenario '${scenario.name}' (${scenario.steps.length} steps, speed ${speed})`);
      try {
        for (const [index, step] of scenario.steps.entries()) {
          await waitUntil(startedAt + step.atMs / speed, controller.signal);
          if (controller.signal.aborted) {
            throw new SimulatorError(
              "DEVICE_STOPPED",
              `Scenario '${scenario.name}' was stopped at step ${index}`,
            );
          }
          try {
            await run(step);
          } catch (error) {
            throw new SimulatorError(
              "STEP_FAILED",
              `Scenario '${scenario.name}' failed at steps[${index}] (${step.action} on '${step.device}'): ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
          }
        }
      } finally {
        replays.delete(controller);
      }
      return { name: scenario.name, steps: scenario.steps.length, elapsedMs: Date.now() - startedAt };
    },
  };
}

/** Resolves at `time` (epoch ms), or at once when the signal aborts. */
function waitUntil(time: number, signal: AbortSignal): Promise<void> {
  const delay = time - Date.now();
  if (delay <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, delay);
    signal.addEventListener("abort", done);
  });
}
