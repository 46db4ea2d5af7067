import { describe, expect, it } from "vitest";
import { formatDuration, promiseClock } from "./promise-clock";

const at = Date.UTC(2026, 10, 25, 8, 0, 0);
const minutes = (value: number) => value * 60_000;

describe("promiseClock", () => {
  it("is on track above 15 minutes, soon from 15 down to 5, urgent below 5 and late from the promise on", () => {
    expect(promiseClock(at + minutes(15) + 1_000, at).risk).toBe("ok");
    expect(promiseClock(at + minutes(15), at).risk).toBe("soon");
    expect(promiseClock(at + minutes(5), at).risk).toBe("soon");
    expect(promiseClock(at + minutes(5) - 1_000, at).risk).toBe("urgent");
    expect(promiseClock(at + 1_000, at).risk).toBe("urgent");
    expect(promiseClock(at, at).risk).toBe("late");
    expect(promiseClock(at - minutes(3), at).risk).toBe("late");
  });

  it("counts whole seconds down, and up again once overdue", () => {
    expect(promiseClock(at + minutes(12) + 5_000, at)).toEqual({
      risk: "soon",
      secondsLeft: 725,
      text: "12:05",
    });
    expect(promiseClock(at + 10_200, at).text).toBe("00:11");
    expect(promiseClock(at - 61_000, at)).toEqual({ risk: "late", secondsLeft: -61, text: "01:01" });
  });
});

describe("formatDuration", () => {
  it("shows hours only when there are some", () => {
    expect(formatDuration(59)).toBe("00:59");
    expect(formatDuration(3_599)).toBe("59:59");
    expect(formatDuration(3_600 + 125)).toBe("1:02:05");
  });
});
