import { describe, expect, it } from "vitest";

import type { BlockDetail } from "./api";
import { describeSwitch, pruneStep } from "./versionSwitch";

const detail = (version: string, names: string[]) => ({ version, properties: names.map((name) => ({ name })) }) as unknown as BlockDetail;

describe("switching a step's version", () => {
  it("drops what the new version lacks and keeps the rest", () => {
    const step = { type: "x@v2", name: "c", images: "$inputs.image", confidence_mode: "custom", custom_confidence: "$inputs.t" };
    expect(pruneStep(step, new Set(["images", "confidence"]))).toEqual({
      step: { type: "x@v2", name: "c", images: "$inputs.image" },
      dropped: ["confidence_mode", "custom_confidence"],
    });
  });

  it("says what changed: fields, the migration, and what was dropped with its wire", () => {
    const v2 = detail("v2", ["images", "confidence"]);
    const v3 = detail("v3", ["images", "confidence_mode", "custom_confidence"]);
    expect(
      describeSwitch(
        v3,
        v2,
        [],
        [
          { name: "confidence_mode", value: "custom" },
          { name: "custom_confidence", value: "$inputs.t" },
        ],
      ),
    ).toBe(
      'v2 adds confidence; removes confidence_mode, custom_confidence (from v3). Dropped confidence_mode ("custom"), custom_confidence (its wire from $inputs.t).',
    );
    const migration = [
      { op: "set", property: "confidence_mode", value: "custom" },
      { op: "rename", from: "confidence", to: "custom_confidence" },
    ];
    expect(describeSwitch(v2, v3, migration, [])).toBe(
      'v3 adds confidence_mode, custom_confidence; removes confidence (from v2). Migration: set confidence_mode to "custom"; renamed confidence to custom_confidence.',
    );
  });
});
