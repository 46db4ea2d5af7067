import { seededRandom } from "@store/domain";
// A small seeded PRNG, so a simulation run with a seed repeats its noise, dropouts and radio
// readings draw for draw. Not for anything secret.

/** Random numbers in [0, 1) and from a normal distribution, from one seeded stream. */
export type Random = {
  next(): number;
  /** A normally distributed number with mean 0 and standard deviation `sigma`. */
  gaussian(sigma: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
};

/** Draws from `seededRandom` (mulberry32) of the domain package, with the helpers a simulation needs. */
export function createRandom(seed: number): Random {
  const next = seededRandom(seed);
  return {
    next,
    gaussian(sigma) {
      if (sigma === 0) return 0;
      // Box-Muller; 1 - next() is in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      return radius * Math.cos(2 * Math.PI * next()) * sigma;
    },
    chance(p) {
      return p > 0 && next() < p;
    },
  };
}

/**
 * A seed for one device from the run's seed and the device id (FNV-1a), so each device has its
 * own stream: adding a device to a run does not change the others' numbers.
 */
export function deviceSeed(seed: number, deviceId: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let index = 0; index < deviceId.length; index++) {
    hash ^= deviceId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
