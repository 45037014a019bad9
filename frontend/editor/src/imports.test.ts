// No two modules of the editor import each other, directly or around a loop.

import { describe, expect, it } from "vitest";

// Every module's text, by its path relative to src ("./components/Canvas.tsx").
const SOURCES = import.meta.glob(["./**/*.ts", "./**/*.tsx", "!./**/*.test.ts", "!./generated/**"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function resolveFrom(from: string, target: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

function importsOf(path: string): string[] {
  const found: string[] = [];
  for (const match of SOURCES[path].matchAll(/^import\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)";/gms)) {
    if (match[1]) continue; // type-only imports vanish from the build
    const base = resolveFrom(path, match[2]);
    const target = [`${base}.ts`, `${base}.tsx`].find((p) => p in SOURCES);
    if (target) found.push(target);
  }
  return found;
}

export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("the editor's modules", () => {
  it("finds a loop when there is one", () => {
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "a"]]);
  });

  it("import one another without loops", () => {
    const graph = new Map(Object.keys(SOURCES).map((path) => [path, importsOf(path)]));
    expect(graph.size).toBeGreaterThan(30);
    expect(graph.get("./components/Dialogs.tsx")).toContain("./components/UpgradeDialog.tsx");
    expect(cycles(graph)).toEqual([]);
  });
});
