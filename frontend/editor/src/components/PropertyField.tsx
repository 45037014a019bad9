// One property of a step: its literal editor and, when it takes references, a dropdown of the sources
// whose kinds fit (workflow inputs, parameters, step outputs), the others listed with the reason.

import type { PropertyInfo } from "../api";
import { connect, deleteEdge, producedKinds } from "../actions/editing";
import { acceptedFrom, fits } from "../kinds";
import { useCatalog } from "../store/catalog";
import { useDocument, type FlowNode } from "../store/document";

interface Source {
  value: string;
  label: string;
  node: string;
  handle: string;
  fits: boolean;
  why: string;
}

function sourcesFor(target: FlowNode, property: PropertyInfo, nodes: FlowNode[]): Source[] {
  const { details, kinds } = useCatalog.getState();
  const sources: Source[] = [];
  for (const node of nodes) {
    if (node.id === target.id) continue;
    const outputs = node.data.kind === "input" ? ["value"] : node.data.kind === "block" ? (details[node.data.typeIdentifier]?.outputs.map((o) => o.name) ?? []) : [];
    for (const handle of outputs) {
      const fromStep = node.data.kind === "block";
      const produced = producedKinds(node, handle);
      const accepted = acceptedFrom(property, fromStep);
      const label = fromStep ? `$steps.${node.data.name}.${handle}` : `$inputs.${node.data.name}`;
      const ok = fits(kinds, produced, accepted);
      const why = ok ? "" : ` (gives ${produced.join(" | ") || "nothing"}; takes ${accepted.join(" | ") || "no step outputs"})`;
      sources.push({ value: `${node.id}\n${handle}`, label, node: node.id, handle, fits: ok, why });
    }
  }
  return sources;
}

function literalControl(property: PropertyInfo, schema: Record<string, unknown>, value: unknown, set: (v: unknown) => void, models: string[]) {
  const branches = (schema.anyOf as Array<Record<string, unknown>> | undefined) ?? [schema];
  const literal = branches.find((b) => !b.reference && b.type !== undefined) ?? branches.find((b) => !b.reference) ?? {};
  const id = `field-${property.name}`;
  if (Array.isArray(literal.enum)) {
    return (
      <select id={id} data-testid={id} value={String(value ?? property.default ?? "")} onChange={(e) => set(e.target.value)}>
        {(literal.enum as unknown[]).map((option) => (
          <option key={String(option)}>{String(option)}</option>
        ))}
      </select>
    );
  }
  if (literal.type === "boolean") return <input id={id} type="checkbox" data-testid={id} checked={Boolean(value ?? property.default)} onChange={(e) => set(e.target.checked)} />;
  if (literal.type === "number" || literal.type === "integer") {
    return (
      <input
        id={id}
        type="number"
        data-testid={id}
        min={literal.minimum as number | undefined}
        max={literal.maximum as number | undefined}
        step={literal.type === "integer" ? 1 : "any"}
        placeholder={property.has_default && property.default !== null ? String(property.default) : ""}
        value={typeof value === "number" ? String(value) : ""}
        onChange={(e) => set(e.target.value === "" ? undefined : Number(e.target.value))}
      />
    );
  }
  if (literal.type === "string" || property.name === "model_id") {
    const list = property.name === "model_id" ? "known-models" : undefined;
    return (
      <>
        <input
          id={id}
          data-testid={id}
          list={list}
          placeholder={property.has_default && property.default !== null ? String(property.default) : ""}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => set(e.target.value)}
        />
        {list && (
          <datalist id={list}>
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        )}
      </>
    );
  }
  return (
    <textarea
      id={id}
      data-testid={id}
      defaultValue={value === undefined ? "" : JSON.stringify(value)}
      onBlur={(e) => {
        try {
          set(e.target.value ? JSON.parse(e.target.value) : undefined);
        } catch {
          /* left as typed until it is valid JSON */
        }
      }}
    />
  );
}

export function PropertyField({ node, property, schema, error }: { node: FlowNode; property: PropertyInfo; schema: Record<string, unknown>; error?: string }) {
  const nodes = useDocument((s) => s.nodes);
  const edge = useDocument((s) => s.edges.find((e) => e.target === node.id && e.targetHandle === property.name));
  const models = useCatalog((s) => s.models);
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
  const sources = property.takes_reference ? sourcesFor(node, property, nodes) : [];
  const bound = edge ? `${edge.source}\n${edge.sourceHandle}` : "";
  return (
    <div className="field">
      <div className="field-head">
        <label htmlFor={`field-${property.name}`} title={property.description}>
          {property.name}
        </label>
        {property.required && (
          <span className="required" title="required">
            *
          </span>
        )}
      </div>
      {!edge && property.accepts_literals && literalControl(property, schema, literals[property.name], set, models)}
      {property.takes_reference && (
        <select
          aria-label={!edge && property.accepts_literals ? `${property.name} source` : property.name}
          data-testid={`source-${property.name}`}
          value={bound}
          onChange={(e) => {
            if (edge) deleteEdge(edge.id);
            const chosen = sources.find((s) => s.value === e.target.value);
            if (chosen) connect({ source: chosen.node, sourceHandle: chosen.handle, target: node.id, targetHandle: property.name });
          }}
        >
          <option value="">{property.accepts_literals ? "value typed above" : "not connected"}</option>
          {sources.map((s) => (
            <option key={s.value} value={s.value} disabled={!s.fits}>
              {s.label}
              {s.why}
            </option>
          ))}
        </select>
      )}
      {error && (
        <div className="error" data-testid={`field-error-${property.name}`}>
          {error}
        </div>
      )}
    </div>
  );
}
