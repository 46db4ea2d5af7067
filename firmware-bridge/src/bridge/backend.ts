import type { AppRouter } from "@store/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

// What the bridge needs from the inventory service, as one seam: over HTTP with the bridge's
// token in production (trpc-backend.ts), or in-process through the same procedures in tests and
// benchmarks (caller-backend.ts). Both go through the service's `devices.*` procedures, so the
// service stays the one place that decides what was applied (and what was a duplicate). The
// shapes are the router's own, so the two cannot drift apart.

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

/** The service's registry: every device in service with its credential hash, host, place and product. */
export type Registry = Outputs["devices"]["registry"];
export type RegistryDevice = Registry["devices"][number];

/** What the bridge reports (`devices.report`), one union member per kind of news. */
export type Report = Inputs["devices"]["report"]["reports"][number];
export type LabelReport = Extract<Report, { type: "label" }>;
export type ReportResult = Outputs["devices"]["report"]["results"][number];

/** What a shelf label should show (`devices.labels`), with what it last acknowledged. */
export type LabelAssignment = Outputs["devices"]["labels"][number];

export type StoreEvent = { id: string; type: string; subject: string; payload: Record<string, unknown> };

export interface BridgeBackend {
  registry(): Promise<Registry>;
  /** Applies reports in order; one result per report. Throws only when the service is unreachable. */
  report(reports: readonly Report[]): Promise<ReportResult[]>;
  labels(productIds?: readonly string[]): Promise<LabelAssignment[]>;
  /**
   * The store's events of these types from after `lastEventId` (or from now), until `signal`
   * aborts; reconnects by itself and resumes where it left off.
   */
  events(types: readonly string[], options: { lastEventId?: string; signal: AbortSignal }): AsyncIterable<StoreEvent>;
}
