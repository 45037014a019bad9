// Which wires fit, answered from the server's data: the compatibility rule lives in the Python module
// that owns it (blocks/connections.py) and reaches us as each kind's `accepted_by` list; which of a
// property's kinds take step outputs arrives as `step_kinds`. Nothing here restates the rule.

import type { BlockDetail, KindInfo, PropertyInfo } from "./api";

export type KindTable = Record<string, readonly string[]>;

export function kindTable(kinds: KindInfo[]): KindTable {
  return Object.fromEntries(kinds.map((k) => [k.name, k.accepted_by]));
}

/** Whether a value of one of `produced` may feed a property declaring `accepted`. */
export function fits(table: KindTable, produced: readonly string[], accepted: readonly string[]): boolean {
  return produced.some((kind) => (table[kind] ?? []).some((ok) => accepted.includes(ok)));
}

/** The kinds a property accepts from this source: step outputs use only the references that may point
 * at steps; workflow inputs use all of them. */
export function acceptedFrom(property: PropertyInfo, sourceIsStep: boolean): string[] {
  return sourceIsStep ? property.step_kinds : property.kinds;
}

export function outputKinds(detail: BlockDetail | undefined, output: string): string[] {
  return detail?.outputs.find((o) => o.name === output)?.kinds ?? [];
}
