import { describe, expect, it } from "vitest";

import type { BlockSummary } from "./api";
import { runBlockers } from "./runnable";

const block = (type_identifier: string, executable: boolean, version: string): BlockSummary =>
  ({
    type_identifier,
    executable,
    version,
    family: type_identifier.split("@")[0],
    aliases: [],
    human_name: "Detector",
  }) as unknown as BlockSummary;

describe("what keeps a workflow from running here", () => {
  const blocks = [block("x/detector@v1", true, "v1"), block("x/detector@v2", false, "v2"), block("x/other@v1", false, "v1")];
  const step = (name: string, typeIdentifier: string) => ({ kind: "block" as const, name, typeIdentifier, literals: {} });

  it("names each step that cannot run and what would make it run", () => {
    expect(
      runBlockers([step("a", "x/detector@v1"), step("b", "x/detector@v2"), step("c", "x/other@v1"), step("d", "x/unknown@v1")], blocks),
    ).toEqual([
      "b (Detector v2) has no implementation here: switch it to v1, which runs here.",
      "c (Detector v1) has no implementation here: it runs once a plugin that implements x/other@v1 is installed on this server.",
      "d uses x/unknown@v1, which this server does not know: import its block or remove the step.",
    ]);
  });
});
