import { ContractError } from "./errors";

export { seededRandom } from "@store/domain";

export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[randomInt(random, 0, items.length - 1)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The ContractError an action throws; fails the test when it throws nothing or something else. */
export function contractErrorOf(action: () => unknown): ContractError {
  try {
    action();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error("expected a ContractError, nothing was thrown");
}
