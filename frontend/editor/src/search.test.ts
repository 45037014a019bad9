import { describe, expect, it } from "vitest";

import type { BlockSummary } from "./api";
import { matches } from "./search";

const block = (human_name: string, extra: Partial<BlockSummary> = {}): BlockSummary => ({
  type_identifier: "roboflow_core/x@v1",
  aliases: [],
  family: "roboflow_core/x",
  version: "v1",
  human_name,
  category: "model",
  short_description: "",
  search_keywords: [],
  state: "published",
  is_default: true,
  executable: true,
  source: "builtin",
  deprecation_message: "",
  replacement: "",
  sunset_date: null,
  docs_url: "",
  ...extra,
});

describe("block search", () => {
  it("forgives word endings: classifier finds classification", () => {
    expect(matches(block("Single-Label Classification Model"), "classifier")).toBe(true);
    expect(matches(block("Single-Label Classification Model"), "single label")).toBe(true);
    expect(matches(block("Image Convert Grayscale"), "classifier")).toBe(false);
  });

  it("matches aliases and keywords", () => {
    expect(matches(block("Crop", { aliases: ["DetectionsCrop"] }), "detectionscrop")).toBe(true);
    expect(matches(block("Blur", { search_keywords: ["smooth"] }), "smoothing")).toBe(true);
  });
});
