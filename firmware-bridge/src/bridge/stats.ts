/** Counters the bridge keeps for its health check, logs and a metrics endpoint. */
export type BridgeStats = {
  received: number;
  handled: Record<string, number>;
  rejected: Record<string, number>;
  /** Messages the service (or the bridge) had already applied: redeliveries and replays. */
  duplicates: number;
  errorsPublished: number;
  /** Rejections not published on bridge/error because of the rate limit (still counted above). */
  errorsSuppressed: number;
  unmatchedAcks: number;
  /** Repeated reads of one code within a scanner's duplicate window, folded into one scan. */
  foldedReads: number;
  /** `superseded`: unsettled scale readings replaced by a newer one before they were sent. */
  reports: { batches: number; failures: number; pending: number; superseded: number };
  labels: { confirmed: number; pending: number; failed: number; sent: number; retries: number };
  devices: { known: number; online: number };
  connected: boolean;
  reconnects: number;
};

export function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}
