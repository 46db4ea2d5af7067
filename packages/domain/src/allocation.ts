import { DomainError } from "./errors";

/**
 * Splits an integer `total` into integer shares proportional to non-negative integer `weights`
 * by the largest-remainder method: every share is the floor of its exact quota, and the units
 * left over go to the largest fractional remainders (ties to the earlier index). The shares
 * always sum to `total` exactly, which is what keeps line amounts adding up to the cart.
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`Cannot allocate ${String(total)}: expected a non-negative safe integer`);
  }
  if (weights.some((weight) => !Number.isSafeInteger(weight) || weight < 0)) {
    throw new RangeError("Allocation weights must be non-negative safe integers");
  }
  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  if (total === 0) return weights.map(() => 0);
  if (weightSum === 0n) {
    throw new DomainError("CART_INVALID", `Cannot allocate ${total} over nothing: every weight is zero`, {
      total,
    });
  }
  const bigTotal = BigInt(total);
  const shares = weights.map((weight) => {
    const exact = bigTotal * BigInt(weight);
    return { share: exact / weightSum, remainder: exact % weightSum };
  });
  let leftOver = Number(bigTotal - shares.reduce((sum, { share }) => sum + share, 0n));
  const byRemainder = shares
    .map((entry, index) => ({ index, remainder: entry.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  const result = shares.map(({ share }) => Number(share));
  for (const { index } of byRemainder) {
    if (leftOver === 0) break;
    result[index] = (result[index] ?? 0) + 1;
    leftOver -= 1;
  }
  return result;
}
