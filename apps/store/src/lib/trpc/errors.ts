import { TRPCClientError } from "@trpc/client";

/**
 * How the UI explains a failed call: the service (or the store app's door to it) could not be
 * reached, the thing asked for does not exist, or the service refused with its own message.
 */
export type CallFailure =
  { kind: "unavailable" } | { kind: "not-found"; message: string } | { kind: "refused"; message: string };

const unreachableCodes = new Set(["BAD_GATEWAY", "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT"]);

export function classifyCallFailure(error: unknown): CallFailure {
  if (!(error instanceof TRPCClientError)) return { kind: "unavailable" };
  const data: unknown = error.data;
  const code = typeof data === "object" && data !== null && "code" in data ? data.code : undefined;
  // No tRPC error data means no tRPC server answered: the request never got through.
  if (typeof code !== "string" || unreachableCodes.has(code)) return { kind: "unavailable" };
  if (code === "NOT_FOUND") return { kind: "not-found", message: error.message };
  return { kind: "refused", message: error.message };
}

/** The service's own code for a refusal (`error.data.appCode`), e.g. "BARCODE_UNKNOWN"; null otherwise. */
export function appCodeOf(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  const code = typeof data === "object" && data !== null && "appCode" in data ? data.appCode : null;
  return typeof code === "string" ? code : null;
}
