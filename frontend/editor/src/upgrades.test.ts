import { describe, expect, it } from "vitest";

import type { BlockDetail } from "./api";
import { newerDefault } from "./upgrades";

const version = (n: number, isDefault: boolean) => ({
  type_identifier: `acme/thing@v${n}`,
  version: `v${n}`,
  state: "published",
  is_default: isDefault,
});
const detail = (current: number, defaultVersion: number) =>
  ({ version: `v${current}`, versions: [2, 3, 10].map((n) => version(n, n === defaultVersion)) }) as unknown as BlockDetail;

describe("newerDefault", () => {
  it("names the default version when it is newer, comparing numbers rather than text", () => {
    expect(newerDefault(detail(3, 10))?.type_identifier).toBe("acme/thing@v10");
  });
  it("is null on the default itself and when the default is older", () => {
    expect(newerDefault(detail(3, 3))).toBeNull();
    expect(newerDefault(detail(3, 2))).toBeNull();
  });
});
