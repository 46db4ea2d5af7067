import { describe, expect, it } from "vitest";
import { createRandom, deviceSeed } from "./random";

describe("createRandom", () => {
  it("repeats the same numbers for the same seed and differs for another", () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("draws uniformly in [0, 1) and gaussians with the asked spread", () => {
    const random = createRandom(7);
    const uniform = Array.from({ length: 20_000 }, () => random.next());
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniform)).toBeLessThan(1);
    expect(uniform.reduce((sum, x) => sum + x, 0) / uniform.length).toBeCloseTo(0.5, 1);

    const normal = Array.from({ length: 20_000 }, () => random.gaussian(3));
    const mean = normal.reduce((sum, x) => sum + x, 0) / normal.length;
    const variance = normal.reduce((sum, x) => sum + (x - mean) ** 2, 0) / normal.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(3, 1);
    expect(random.gaussian(0)).toBe(0);
  });

  it("answers chance(0) never and chance(1) always", () => {
    const random = createRandom(1);
    const draws = Array.from({ length: 100 }, () => [random.chance(0), random.chance(1)]);
    expect(draws.every(([never, always]) => never === false && always === true)).toBe(true);
  });
});

describe("deviceSeed", () => {
  it("gives each device of a run its own seed, stable across runs", () => {
    expect(deviceSeed(1, "scanner-1")).toBe(deviceSeed(1, "scanner-1"));
    expect(deviceSeed(1, "scanner-1")).not.toBe(deviceSeed(1, "scanner-2"));
    expect(deviceSeed(1, "scanner-1")).not.toBe(deviceSeed(2, "scanner-1"));
  });
});
