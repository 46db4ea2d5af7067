import { parseArgs } from "node:util";
import { DEMO_STORE, demoCredentials } from "@store/prisma/seed";
import { pino } from "pino";
import { z } from "zod";
import { startOrderSimulator } from "./order-simulator";

const usage = `Usage: pnpm -C apps/demo simulate-orders -- [options]
Places online orders with a running inventory service as the customer app would, one line per order.
  --url <url>         the inventory service (default http://127.0.0.1:4000)
  --token <token>     a CHANNEL token (default: the demo store's)
  --interval <s>      mean seconds between orders (default 90)
  --count <n>         stop after n orders, placed or refused (default: until Ctrl-C)
  --seed <n>          draw the same customers and baskets as an earlier run
  --flat              the same rate around the clock instead of the store's day (lunch, dinner, night)
  --lat <deg> --lng <deg>   the store's location, centre of its delivery area (default: the demo store)`;

const argsSchema = z.object({
  url: z.url().default("http://127.0.0.1:4000"),
  token: z.string().min(1).default(demoCredentials(DEMO_STORE.code).channel),
  interval: z.coerce.number().positive().default(90),
  count: z.coerce.number().int().min(0).optional(),
  seed: z.coerce.number().int().min(0).optional(),
  flat: z.boolean().default(false),
  lat: z.coerce.number().min(-90).max(90).default(DEMO_STORE.latitude),
  lng: z.coerce.number().min(-180).max(180).default(DEMO_STORE.longitude),
  help: z.boolean().optional(),
});

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    // pnpm passes the `--` that separates its own options on.
    args: argv.filter((arg) => arg !== "--"),
    options: {
      url: { type: "string" },
      token: { type: "string" },
      interval: { type: "string" },
      count: { type: "string" },
      seed: { type: "string" },
      flat: { type: "boolean" },
      lat: { type: "string" },
      lng: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const args = argsSchema.safeParse(values);
  if (!args.success || args.data.help) {
    if (!args.success) console.error(z.prettifyError(args.error));
    console.log(usage);
    return args.success ? 0 : 2;
  }
  const { url, token, interval, count, seed, flat, lat, lng } = args.data;
  const logger = pino({
    name: "orders",
    transport: {
      target: "pino-pretty",
      options: { ignore: "pid,hostname,name", translateTime: "SYS:HH:MM:ss", colorize: process.stdout.isTTY },
    },
  });
  const simulator = await startOrderSimulator({
    serviceUrl: url,
    channelToken: token,
    meanIntervalS: interval,
    logger,
    profile: flat ? "flat" : "daily",
    storeLocation: { latitude: lat, longitude: lng },
    ...(count !== undefined ? { limit: count } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  const stop = () => void simulator.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await simulator.done;
  logger.info(`Placed ${simulator.placed()} orders, ${simulator.refused()} refused (seed ${simulator.seed})`);
  // pino-pretty writes from a worker thread: let it flush before leaving.
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
