import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, register } from "prom-client";
import type { Bridge, BridgeOptions } from "./bridge";
import type { BridgeStats } from "./stats";

export type BridgeMetrics = {
  registry: Registry;
  /** For `BridgeOptions.onReported`: the service's verdict on each report and how long it took. */
  onReported: NonNullable<BridgeOptions["onReported"]>;
};

/**
 * The bridge's Prometheus metrics. Counts are read from `bridge().stats()` at each scrape (a
 * restarted bridge starts them again from zero, which Prometheus reads as a counter reset); the
 * report latency is observed as verdicts come in.
 */
export function createBridgeMetrics(bridge: () => Bridge): BridgeMetrics {
  const registry = new Registry();
  const registers = [registry];

  /** A counter that mirrors a running total the bridge keeps. */
  function total(name: string, help: string, read: (stats: BridgeStats) => number) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(bridge().stats()));
      },
    });
  }

  /** A counter per label value, mirroring a record of running totals. */
  function totals(
    name: string,
    help: string,
    label: string,
    read: (stats: BridgeStats) => Record<string, number>,
  ) {
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const [value, count] of Object.entries(read(bridge().stats())))
          this.inc({ [label]: value }, count);
      },
    });
  }

  function gauge(name: string, help: string, read: (stats: BridgeStats) => number) {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(bridge().stats()));
      },
    });
  }

  function gauges(
    name: string,
    help: string,
    label: string,
    read: (stats: BridgeStats) => Record<string, number>,
  ) {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        for (const [value, count] of Object.entries(read(bridge().stats())))
          this.set({ [label]: value }, count);
      },
    });
  }

  total("bridge_messages_received_total", "Device messages received", (stats) => stats.received);
  totals(
    "bridge_messages_handled_total",
    "Device messages handled, by channel",
    "channel",
    (stats) => stats.handled,
  );
  totals(
    "bridge_messages_rejected_total",
    "Device messages rejected, by reason code",
    "code",
    (stats) => stats.rejected,
  );
  total(
    "bridge_messages_duplicate_total",
    "Messages already applied (redeliveries, replays)",
    (stats) => stats.duplicates,
  );
  total(
    "bridge_reads_folded_total",
    "Repeated reads of one code folded into one scan",
    (stats) => stats.foldedReads,
  );
  total(
    "bridge_report_batches_total",
    "Calls that delivered reports to the inventory service",
    (stats) => stats.reports.batches,
  );
  total(
    "bridge_report_failures_total",
    "Calls to the inventory service that failed and were retried",
    (stats) => stats.reports.failures,
  );
  gauge(
    "bridge_reports_pending",
    "Reports waiting for the inventory service",
    (stats) => stats.reports.pending,
  );
  gauges("bridge_labels", "Shelf labels by the state of their content", "state", (stats) => ({
    confirmed: stats.labels.confirmed,
    pending: stats.labels.pending,
    failed: stats.labels.failed,
  }));
  gauges("bridge_devices", "Provisioned devices, and those online", "state", (stats) => ({
    known: stats.devices.known,
    online: stats.devices.online,
  }));
  gauge("bridge_connected", "1 while the bridge is connected to the MQTT broker", (stats) =>
    stats.connected ? 1 : 0,
  );
  total("bridge_reconnects_total", "Reconnections to the MQTT broker", (stats) => stats.reconnects);

  const latency = new Histogram({
    name: "bridge_report_latency_seconds",
    help: "From handing a report to the reporter to the inventory service's verdict, by report type and verdict",
    labelNames: ["type", "status"],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  return {
    registry,
    onReported: ({ type, status, seconds }) => latency.observe({ type, status }, seconds),
  };
}

/**
 * Node's process metrics (process_*, nodejs_*) in prom-client's global registry: one set per
 * process, shared with the inventory service's /metrics when both run in one (the demo).
 */
function processMetrics(): Registry {
  if (!register.getSingleMetric("process_cpu_user_seconds_total")) collectDefaultMetrics();
  return register;
}

export type MetricsServer = { url: string; close(): Promise<void> };

/** `GET /metrics` on its own port: the process's metrics and the bridge's. */
export async function startMetricsServer(options: {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  registry: Registry;
  logger: Logger;
}): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://bridge").pathname;
    if (path !== "/metrics" || request.method !== "GET") {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end(`Nothing at ${path}: the bridge's metrics are at /metrics\n`);
      return;
    }
    const merged = Registry.merge([processMetrics(), options.registry]);
    merged.metrics().then(
      (body) => {
        response.writeHead(200, { "content-type": merged.contentType });
        response.end(body);
      },
      (error: unknown) => {
        options.logger.warn({ err: error }, "Could not collect the bridge's metrics");
        response.writeHead(500, { "content-type": "text/plain" });
        response.end("Could not collect the metrics\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
