// Tests of the lock helper's naming: the Azure name of each lock level.
import { describe, expect, it } from "vitest";
import { lockName } from "../../../components/common/lock";

describe("lockName", () => {
  it.each([
    ["CanNotDelete", "do-not-delete"],
    ["ReadOnly", "read-only"],
  ] as const)("names a %s lock %s", (level, expected) => {
    expect(lockName(level)).toBe(expected);
  });
});
