import { describe, expect, it } from "vitest";

import { jobCounts, jobFailures, jobStatusWord } from "./batch";

describe("the Batch panel's words", () => {
  it("counts succeeded, failed and pending apart: failures are not done work", () => {
    expect(jobCounts({ total: 6, done: 6, failed: 4, cancelled: 0 })).toEqual({ succeeded: 2, failed: 4, pending: 0, cancelled: 0 });
    expect(jobCounts({ total: 10, done: 3, failed: 1, cancelled: 2 })).toEqual({ succeeded: 2, failed: 1, pending: 5, cancelled: 2 });
  });

  it("says the status in words", () => {
    expect(jobStatusWord("completed_with_errors")).toBe("Finished with failures");
    expect(jobStatusWord("succeeded")).toBe("Finished");
    expect(jobStatusWord("queued")).toBe("Waiting for a worker");
  });

  it("groups failed images by their error code", () => {
    const jsonl = [
      { source: "a.png", status: "succeeded", outputs: [], error: null },
      { source: "b.png", status: "failed", outputs: null, error: { code: "image_decode_failed", message: "Not an image." } },
      { source: "c.png", status: "failed", outputs: null, error: { code: "model_timeout", message: "Slow." } },
      { source: "d.png", status: "failed", outputs: null, error: { code: "image_decode_failed", message: "Not an image." } },
      { source: "e.png", status: "pending", outputs: null, error: null },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n");
    expect(jobFailures(`${jsonl}\n`)).toEqual([
      { code: "image_decode_failed", message: "Not an image.", sources: ["b.png", "d.png"] },
      { code: "model_timeout", message: "Slow.", sources: ["c.png"] },
    ]);
  });
});
