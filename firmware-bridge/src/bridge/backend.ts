import type { Symbology } from "@store/contracts";

// What the bridge needs from the inventory service, as one seam: over HTTP with the bridge's
// token in production (trpc-backend.ts), or in-process through the same procedures in tests and
// benchmarks (caller-backend.ts). Both go through the service's `devices.*` procedures, so the
// service stays the one place that decides what was applied (and what was a duplicate).

export type RegistryDevice = {
  id: string;
  kind: string;
  model: string;
  name: string;
  /** `$7$` hash of the device's MQTT password (`@store/contracts/credentials`); null: no access. */
  credentialHash: string | null;
  hostId: string | null;
  hostKind: string | null;
  location: { id: string; code: string } | null;
  product: {
    id: string;
    sku: string;
    nameEn: string;
    nameZh: string;
    unitOfSale: string;
    unitWeightG: string | null;
    lowStockThreshold: string;
  } | null;
  /** On hand of `product` at `location` as the system believes it (shelf sensors). */
  shelfOnHand: string | null;
};

export type Registry = { storeCode: string; devices: RegistryDevice[] };

export type AvailabilityReport = {
  type: "availability";
  deviceId: string;
  online: boolean;
  at: string;
  /**
   * Set when the bridge declares a device offline because its heartbeats stopped: the service
   * ignores it if it heard from the device after this instant (another bridge instance may have).
   */
  silentSince?: string;
};

export type TelemetryReport = {
  type: "telemetry";
  deviceId: string;
  firmware: string;
  batteryPct?: number;
  rssiDbm?: number;
  uptimeS: number;
  at: string;
};

export type ScanReport = {
  type: "scan";
  deviceId: string;
  seq: number;
  code: string;
  symbology: Symbology;
  scannedAt: string;
};

export type ShelfReport = {
  type: "shelf";
  deviceId: string;
  grams: number;
  /** Estimated quantity on the shelf: units for items sold each, kilograms for weighed goods. */
  units: string;
  measuredAt: string;
  gap: boolean;
  low: boolean;
};

export type LabelReport = {
  type: "label";
  deviceId: string;
  productId: string;
  contentHash: string;
  transaction: string;
  status: "pending" | "confirmed" | "failed";
  attempts: number;
  error?: string;
  at: string;
};

export type Report = AvailabilityReport | TelemetryReport | ScanReport | ShelfReport | LabelReport;

export type ReportResult =
  | { status: "applied" }
  | { status: "duplicate" }
  | { status: "rejected"; code: string; message: string };

export type LabelContent = {
  name: string;
  detail?: string | undefined;
  sku: string;
  priceMinor: number;
  currency: string;
  unit: "each" | "kg";
  promo?: { text: string; priceMinor?: number | undefined; until?: string | undefined } | undefined;
};

export type LabelAssignment = {
  deviceId: string;
  productId: string;
  content: LabelContent;
  contentHash: string;
  state: { status: "PENDING" | "CONFIRMED" | "FAILED"; contentHash: string; transaction: string } | null;
};

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
