import { bridgeBench } from "./bridge";
import { checkout } from "./checkout";
import { dashboardBench } from "./dashboard";
import { decodeBench } from "./decode";
import { hotSku } from "./hot-sku";
import { oversell } from "./oversell";
import { pickRoute } from "./pick-route";
import { scanLatency } from "./scan-latency";
import { note } from "./support";

/**
 * `pnpm bench [name...]`: runs the named benchmarks (all by default). Each prints one JSON object
 * per line on stdout ({bench, metric, value, unit, baseline, ratio}); progress goes to stderr.
 */
const benches: Record<string, () => Promise<void>> = {
  "hot-sku": hotSku,
  checkout,
  oversell,
  bridge: bridgeBench,
  decode: decodeBench,
  "scan-latency": scanLatency,
  "pick-route": pickRoute,
  "dashboard-stock": dashboardBench,
};

const requested = process.argv.slice(2).filter((arg) => arg !== "--");
const unknown = requested.filter((name) => !(name in benches));
if (unknown.length > 0) {
  note(`Unknown benchmark(s): ${unknown.join(", ")}. Known: ${Object.keys(benches).join(", ")}`);
  process.exit(2);
}

for (const name of requested.length > 0 ? requested : Object.keys(benches)) {
  note(`Running ${name}…`);
  await benches[name]!();
}
