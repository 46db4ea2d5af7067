/**
 * The reason a request to another service failed, in a word where Node gives one: fetch()
 * reports "fetch failed" and hides the system error (ECONNREFUSED, ENOTFOUND...) in its causes.
 */
export function networkFailureReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if ("code" in current && typeof current.code === "string" && /^E[A-Z_]+$/.test(current.code)) {
      return current.code;
    }
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}
