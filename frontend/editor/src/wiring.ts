// The wires that are not one selector in one property: a flow-control step's list of steps
// (`next_steps`: from its handle to the gated step's flow handle) and a map of named selectors
// (`evaluation_parameters`: one wire per name, into the handle `property.name`).

import type { BlockDetail, PropertyInfo } from "./api";
import { FLOW_IN, uniqueName, type NodeData } from "./graph";

/** The property a target handle belongs to: `evaluation_parameters.left` -> `evaluation_parameters`. */
export function propertyOfHandle(handle: string | null | undefined): string {
  const value = handle ?? "";
  const dot = value.indexOf(".");
  return dot < 0 ? value : value.slice(0, dot);
}

/** The name a map entry's handle stands for; null for a plain property handle. */
export function keyOfHandle(handle: string): string | null {
  const dot = handle.indexOf(".");
  return dot < 0 ? null : handle.slice(dot + 1);
}

/** Whether a property is a list of steps this step gates (drawn as flow wires). */
export const gatesSteps = (property: PropertyInfo | undefined) => !!property?.takes_step_selector && !!property.is_list_element;

/** Whether a property is a map of names to selectors (one wire per name). */
export const namesSources = (property: PropertyInfo | undefined) => !!property?.takes_reference && !!property.is_dict_element;

/** Why a flow wire may not be drawn (null when it may), or undefined when the wire is not a flow wire. */
export function flowRefusal(
  source: BlockDetail | undefined,
  sourceHandle: string | null | undefined,
  targetHandle: string | null | undefined,
  target: NodeData,
): string | null | undefined {
  const gating = gatesSteps(source?.properties.find((p) => p.name === sourceHandle));
  if (!gating && targetHandle !== FLOW_IN) return undefined;
  if (gating && targetHandle === FLOW_IN && target.kind === "block") return null;
  return gating
    ? `Cannot connect: ${sourceHandle} lists steps; draw it to a step's flow handle (its top edge).`
    : "Cannot connect: only a flow-control step's list of steps goes into a flow handle.";
}

/** The handle a wire dropped on a map's own handle goes into: a new name after the source. */
export function mapEntryHandle(property: string, sourceName: string, taken: string[]): string {
  const used = taken.filter((h) => propertyOfHandle(h) === property).map((h) => keyOfHandle(h) ?? "");
  return `${property}.${uniqueName(sourceName, used)}`;
}
