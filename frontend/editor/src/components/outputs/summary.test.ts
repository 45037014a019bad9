import { describe, expect, it } from "vitest";

import { summarise } from "./summary";

describe("a step's result in a few words", () => {
  it("names a classification's top class and confidence", () => {
    const predictions = {
      top: "blue",
      predictions: [
        { class: "blue", confidence: 0.987 },
        { class: "red", confidence: 0.01 },
      ],
    };
    expect(summarise({ status: "ran", outputs: { predictions, inference_id: "x" } })).toEqual({
      kind: "classification",
      text: "blue 0.99",
    });
  });

  it("gives an image's size and thumbnail, also inside a list of crops", () => {
    const crop = { type: "image", width: 212, height: 160, thumbnail: "data:image/jpeg;base64,AAA" };
    expect(summarise({ status: "ran", outputs: { image: crop } })).toEqual({ kind: "image", text: "212×160", thumbnail: crop.thumbnail });
    expect(summarise({ status: "ran", outputs: { crops: [crop] } })?.text).toBe("212×160");
  });

  it("gives a value as text and a status as its word", () => {
    expect(summarise({ status: "ran", outputs: { output: "BLUE" } })).toEqual({ kind: "value", text: "BLUE" });
    expect(summarise({ status: "ran", outputs: { output: 3.5 } })?.text).toBe("3.5");
    for (const status of ["skipped", "passed", "stopped", "failed"] as const)
      expect(summarise({ status, outputs: null })).toEqual({ kind: "status", text: status });
    expect(summarise(undefined)).toBeNull();
  });
});
