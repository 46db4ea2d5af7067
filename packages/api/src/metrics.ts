import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, register } from "prom-client";
import type { EventTail, StoreEvent } from "./services/event-tail";

/**
 * Prometheus metrics of the inventory service. Each set of services has a registry of its own
 * (tests and the demo start several in one process); what describes the process itself (CPU,
 * memory, event loop, GC) is collected once per process, see `processMetrics`.
 */
export type ServiceMetrics = {
  registry: Registry;
  /** One tRPC call: its procedure, "query"/"mutation"/"subscription", "ok" or the tRPC error code. */
  observeRequest(procedure: string, type: string, outcome: string, seconds: number): void;
};

/** Order events counted by `inventory_orders_total` (line events are left out). */
const orderEvents = new Set([
  "order.placed",
  "order.reserved",
  "order.picking",
  "order.packed",
  "order.handed_off",
  "order.delivered",
  "order.cancelled",
  "order.expired",
  "order.released",
]);

/**
 * The service's metrics. Sales and order counts come from the event outbox as the tail delivers
 * it: every committed sale and order transition has exactly one event, whichever code path or
 * process wrote it, and nothing rolled back is counted.
 */
export function createServiceMetrics(tail: EventTail): ServiceMetrics {
  const registry = new Registry();
  const requestDuration = new Histogram({
    name: "inventory_trpc_request_duration_seconds",
    help: "tRPC calls by procedure, type and outcome ('ok' or the tRPC error code)",
    labelNames: ["procedure", "type", "outcome"],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const sales = new Counter({
    name: "inventory_sales_total",
    help: "Kiosk sales committed (sale.completed events)",
    registers: [registry],
  });
  const revenue = new Counter({
    name: "inventory_sales_revenue_minor_total",
    help: "Total of the kiosk sales committed, in the currency's minor unit (fen)",
    registers: [registry],
  });
  const orders = new Counter({
    name: "inventory_orders_total",
    help: "Online order events by kind: placed, reserved, picking, packed, handed_off, delivered, cancelled, expired, released",
    labelNames: ["event"],
    registers: [registry],
  });
  const delay = new Histogram({
    name: "inventory_event_delivery_delay_seconds",
    help: "From an event's write to its delivery to this process's subscribers",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "inventory_event_tail_lag_seconds",
    help: "Age of the oldest event written but not yet delivered by this process's event tail (0: caught up)",
    registers: [registry],
    async collect() {
      this.set((await tail.lagSeconds()) ?? 0);
    },
  });

  tail.onDelivered((events: readonly StoreEvent[]) => {
    const now = Date.now();
    for (const event of events) {
      delay.observe(Math.max(0, (now - Date.parse(event.createdAt)) / 1000));
      if (event.type === "sale.completed") {
        sales.inc();
        const total = event.payload.totalMinor;
        if (typeof total === "number" && total > 0) revenue.inc(total);
      } else if (orderEvents.has(event.type)) {
        orders.inc({ event: event.type.slice("order.".length) });
      }
    }
  });

  return {
    registry,
    observeRequest(procedure, type, outcome, seconds) {
      requestDuration.observe({ procedure, type, outcome }, seconds);
    },
  };
}

/**
 * Node's process metrics (process_*, nodejs_*) in prom-client's global registry, collected from
 * the first call on: one set per process, whichever service asks first.
 */
export function processMetrics(): Registry {
  if (!register.getSingleMetric("process_cpu_user_seconds_total")) collectDefaultMetrics();
  return register;
}

/** The text a /metrics endpoint answers: the process's metrics and the services'. */
export async function renderMetrics(
  ...registries: Registry[]
): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([processMetrics(), ...registries]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
