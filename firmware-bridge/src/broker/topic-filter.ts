// MQTT topic filters (MQTT 3.1.1 §4.7): `+` matches exactly one level, `#` (last) matches the
// parent level and every level below it. A filter whose first level is a wildcard never matches
// a topic starting with `$` (such as `$SYS/...`), [MQTT-4.7.2-1].

/** True when `topic` (no wildcards) is matched by `filter`. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const filterLevels = filter.split("/");
  const topicLevels = topic.split("/");
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === "#") return index === filterLevels.length - 1;
    if (index >= topicLevels.length) return false;
    if (level !== "+" && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * True when every topic `requested` can match is also matched by `allowed`: the test for
 * granting a subscription. A literal level is covered only by the same literal or `+`, a `+` only
 * by `+` or `#`, a `#` only by `#`; `a/#` covers `a` (a `#` includes its parent level).
 */
export function filterCovers(allowed: string, requested: string): boolean {
  if (requested.startsWith("$") && (allowed.startsWith("+") || allowed.startsWith("#"))) return false;
  const allowedLevels = allowed.split("/");
  const requestedLevels = requested.split("/");
  for (let index = 0; index < allowedLevels.length; index++) {
    const level = allowedLevels[index];
    if (level === "#") return index === allowedLevels.length - 1;
    if (index >= requestedLevels.length) return false;
    const wanted = requestedLevels[index];
    if (wanted === "#") return false;
    if (level === "+") continue;
    if (wanted === "+" || wanted !== level) return false;
  }
  return allowedLevels.length === requestedLevels.length;
}
