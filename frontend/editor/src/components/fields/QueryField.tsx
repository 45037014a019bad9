// A query-language property as a structured builder with its JSON beside it; either edits the same
// value, so what one shows the other shows, and the JSON round-trips unchanged.

import type { PropertyInfo } from "../../api";
import { useCatalog } from "../../store/catalog";
import { useDocument, type FlowNode } from "../../store/document";
import { keyOfHandle } from "../../wiring";
import { ConditionBuilder } from "./ConditionBuilder";
import { OperationsEditor } from "./OperationsEditor";
import { JsonText } from "./JsonText";
import { isQuery, type Defs, type Json } from "./query";

interface Props {
  node: FlowNode;
  property: PropertyInfo;
  schema: Record<string, unknown>;
  value: unknown;
  set: (v: unknown) => void;
}

function JsonView({ name, value, set }: { name: string; value: unknown; set: (v: unknown) => void }) {
  return (
    <div className="json-view">
      <label htmlFor={`json-${name}`}>{name} as JSON</label>
      <JsonText id={`json-${name}`} value={value} set={set} />
    </div>
  );
}

function useParameterNames(node: FlowNode): string[] {
  const text = useDocument((s) =>
    s.edges
      .filter((e) => e.target === node.id && e.targetHandle?.startsWith("evaluation_parameters."))
      .map((e) => keyOfHandle(e.targetHandle ?? ""))
      .join("\n"),
  );
  return text ? text.split("\n") : [];
}

export function QueryField({ node, property, schema, value, set }: Props) {
  const type = node.data.kind === "block" ? node.data.typeIdentifier : "";
  const defs = useCatalog((s) => (s.details[type]?.schema.$defs ?? {}) as Defs);
  const names = useParameterNames(node);
  const kind = isQuery(schema);
  return (
    <div className="query-field">
      <div className="builder" id={`field-${property.name}`} tabIndex={-1}>
        {kind === "condition" ? (
          <ConditionBuilder defs={defs} names={names} value={value as Json | undefined} set={set} />
        ) : (
          <OperationsEditor defs={defs} schema={schema} label="Operation" value={Array.isArray(value) ? (value as Json[]) : []} set={set} />
        )}
      </div>
      <JsonView name={property.name} value={value} set={set} />
    </div>
  );
}

QueryField.handles = (schema: Record<string, unknown>) => isQuery(schema) !== null;
