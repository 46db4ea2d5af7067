import { DomainError } from "./errors";

export { seededRandom } from "./random";

export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function randomDigits(random: () => number, length: number): string {
  return Array.from({ length }, () => String(randomInt(random, 0, 9))).join("");
}

/** The DomainError an action throws; fails the test when it throws nothing or something else. */
export function errorOf(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError, nothing was thrown");
}
