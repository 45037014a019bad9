// One property of a step, labelled with its name and showing its description and examples: its
// literal editor and, when it takes references, a dropdown of the sources whose kinds fit (workflow
// inputs, parameters, step outputs), the others listed with the reason. Lists of steps, maps of
// references and query-language values have editors of their own (fields/).

import type { PropertyInfo } from "../api";
import { connect, deleteEdge } from "../actions/editing";
import { examplesOf } from "../schemaForm";
import { useCatalog } from "../store/catalog";
import { useDocument, type FlowNode } from "../store/document";
import { gatesSteps, namesSources } from "../wiring";
import { LiteralControl } from "./fields/LiteralControl";
import { QueryField } from "./fields/QueryField";
import { ReferenceMapField } from "./fields/ReferenceMapField";
import { sourcesFor, SourceOptions } from "./fields/sources";
import { StepListField } from "./fields/StepListField";

function Editor({
  node,
  property,
  schema,
  value,
  set,
}: {
  node: FlowNode;
  property: PropertyInfo;
  schema: Record<string, unknown>;
  value: unknown;
  set: (v: unknown) => void;
}) {
  const nodes = useDocument((s) => s.nodes);
  const edge = useDocument((s) => s.edges.find((e) => e.target === node.id && e.targetHandle === property.name));
  const models = useCatalog((s) => s.models);
  if (gatesSteps(property)) return <StepListField node={node} property={property} />;
  if (namesSources(property)) return <ReferenceMapField node={node} property={property} />;
  if (QueryField.handles(schema)) return <QueryField node={node} property={property} schema={schema} value={value} set={set} />;
  const sources = property.takes_reference ? sourcesFor(node, property, nodes) : [];
  return (
    <>
      {!edge && property.accepts_literals && <LiteralControl property={property} schema={schema} value={value} set={set} models={models} />}
      {property.takes_reference && (
        <select
          aria-label={!edge && property.accepts_literals ? `${property.name} source` : property.name}
          data-testid={`source-${property.name}`}
          value={edge ? `${edge.source}\n${edge.sourceHandle}` : ""}
          onChange={(e) => {
            if (edge) deleteEdge(edge.id);
            const chosen = sources.find((s) => s.value === e.target.value);
            if (chosen) connect({ source: chosen.node, sourceHandle: chosen.handle, target: node.id, targetHandle: property.name });
          }}
        >
          <option value="">{property.accepts_literals ? "value typed above" : "not connected"}</option>
          <SourceOptions sources={sources} />
        </select>
      )}
    </>
  );
}

export function PropertyField({
  node,
  property,
  schema,
  error,
}: {
  node: FlowNode;
  property: PropertyInfo;
  schema: Record<string, unknown>;
  error?: string;
}) {
  if (node.data.kind !== "block") return null;
  const literals = node.data.literals;
  const set = (value: unknown) =>
    useDocument.getState().updateData(
      node.id,
      (data) => {
        if (data.kind !== "block") return data;
        const next = { ...data.literals };
        if (value === "" || value === undefined) delete next[property.name];
        else next[property.name] = value;
        return { ...data, literals: next };
      },
      `${node.id}/${property.name}`,
    );
  const examples = examplesOf(schema);
  const grouped = gatesSteps(property) || namesSources(property);
  return (
    <div className="field" role={grouped ? "group" : undefined} aria-labelledby={grouped ? `label-${property.name}` : undefined}>
      <div className="field-head">
        <label id={`label-${property.name}`} htmlFor={`field-${property.name}`} title={property.title}>
          {property.name}
        </label>
        {property.required && (
          <span className="required" title="required">
            *
          </span>
        )}
      </div>
      {property.description && (
        <div className="description" id={`describe-${property.name}`}>
          {property.description}
        </div>
      )}
      {examples.length > 0 && <div className="examples">e.g. {examples.join(", ")}</div>}
      <Editor node={node} property={property} schema={schema} value={literals[property.name]} set={set} />
      {error && (
        <div className="error" data-testid={`field-error-${property.name}`}>
          {error}
        </div>
      )}
    </div>
  );
}
