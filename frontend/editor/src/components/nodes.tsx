// The three kinds of node on the canvas: workflow inputs, steps (blocks) and workflow outputs.

import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import type { BlockDetail, Issue } from "../api";
import { VALUE_HANDLE } from "../graph";
import { useNodeIssues as useIssues } from "../hooks/useNodeIssues";
import { useWireKinds } from "../hooks/useWire";
import { UnknownHandles } from "./UnknownBlock";
import { acceptedFrom, fits } from "../kinds";
import { useCatalog } from "../store/catalog";
import { newerDefault } from "../upgrades";
import type { FlowNode } from "../store/document";
import { useUi } from "../store/ui";

function Messages({ errors, warnings, name }: { errors: Issue[]; warnings: Issue[]; name: string }) {
  return (
    <>
      {errors.length > 0 && (
        <ul className="node-issues errors" data-testid={`node-errors-${name}`}>
          {errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
      {warnings.length > 0 && (
        <ul className="node-issues warnings" data-testid={`node-warnings-${name}`}>
          {warnings.map((w, i) => (
            <li key={i}>{w.message}</li>
          ))}
        </ul>
      )}
    </>
  );
}

interface Prediction {
  top?: string;
  confidence?: number;
  predictions?: Array<{ class: string; confidence: number }>;
}

function RunBadge({ name }: { name: string }) {
  const run = useUi((s) => s.run);
  if (!run || run.status !== "succeeded") return null;
  const timing = run.timings[name];
  const first = run.outputs[0] ?? {};
  const prediction = Object.values(first).find(
    (v): v is Prediction => !!v && typeof v === "object" && Array.isArray((v as Prediction).predictions),
  );
  return (
    <div className="run-badge" data-testid={`node-run-${name}`}>
      {prediction?.top !== undefined && (
        <span data-testid={`node-top-${name}`}>
          {prediction.top} {(prediction.confidence ?? prediction.predictions?.find((p) => p.class === prediction.top)?.confidence ?? 0).toFixed(2)}
        </span>
      )}
      {timing !== undefined && <span className="timing">{timing.toFixed(1)} ms</span>}
    </div>
  );
}

/** Shown when the block's family has a newer default version; it opens the upgrade preview. */
function UpgradeBadge({ detail, step }: { detail: BlockDetail | undefined; step: string }) {
  const target = detail ? newerDefault(detail) : null;
  if (!target) return null;
  return (
    <button
      type="button"
      className="upgrade-badge nodrag"
      data-testid={`node-upgrade-${step}`}
      title={`A newer default version is available: ${target.type_identifier}`}
      onClick={() => useUi.getState().show({ type: "upgrade", step, to: target.type_identifier })}
    >
      {target.version} available
    </button>
  );
}

export const BlockNode = memo(function BlockNode({ id, data, selected }: NodeProps<FlowNode>) {
  const detail = useCatalog((s) => (data.kind === "block" ? s.details[data.typeIdentifier] : undefined));
  const table = useCatalog((s) => s.kinds);
  const drag = useWireKinds();
  const { errors, warnings } = useIssues(id);
  if (data.kind !== "block") return null;
  return (
    <div className={`node block${errors.length ? " has-errors" : warnings.length ? " has-warnings" : ""}${selected ? " selected" : ""}`} data-testid={`node-${data.name}`}>
      <header>
        <span className="title">{detail?.human_name ?? data.typeIdentifier}</span> <small>{detail?.version}</small>
        <UpgradeBadge detail={detail} step={data.name} />
        <div className="step-name">{data.name}</div>
      </header>
      {detail?.properties
        .filter((p) => p.takes_reference)
        .map((p) => (
          <div className="row" key={p.name}>
            <Handle
              type="target"
              position={Position.Left}
              id={p.name}
              data-testid={`handle-in-${data.name}-${p.name}`}
              className={drag && fits(table, drag.kinds, acceptedFrom(p, drag.fromStep)) ? "compatible" : ""}
            />
            {p.name} <span className="kinds">{p.kinds.join(" | ")}</span>
          </div>
        ))}
      {detail?.outputs.map((o) => (
        <div className="row out" key={o.name}>
          {o.name} <span className="kinds">{o.kinds.join(" | ")}</span>
          <Handle type="source" position={Position.Right} id={o.name} data-testid={`handle-out-${data.name}-${o.name}`} />
        </div>
      ))}
      {!detail && <UnknownHandles id={id} name={data.name} typeIdentifier={data.typeIdentifier} />}
      <Messages errors={errors} warnings={warnings} name={data.name} />
      <RunBadge name={data.name} />
    </div>
  );
});

export const InputNode = memo(function InputNode({ id, data, selected }: NodeProps<FlowNode>) {
  const { errors, warnings } = useIssues(id);
  if (data.kind !== "input") return null;
  const image = data.inputType === "WorkflowImage";
  return (
    <div className={`node io${selected ? " selected" : ""}`} data-testid={`node-${data.name}`}>
      <header>
        {image ? "Image input" : "Parameter"}
        <div className="step-name">{data.name}</div>
      </header>
      <div className="row out">
        value <span className="kinds">{image ? "image" : data.kinds?.join(" | ") || "*"}</span>
        <Handle type="source" position={Position.Right} id={VALUE_HANDLE} data-testid={`handle-out-${data.name}-value`} />
      </div>
      <Messages errors={errors} warnings={warnings} name={data.name} />
    </div>
  );
});

export const OutputNode = memo(function OutputNode({ id, data, selected }: NodeProps<FlowNode>) {
  const { errors, warnings } = useIssues(id);
  if (data.kind !== "output") return null;
  return (
    <div className={`node io${selected ? " selected" : ""}`} data-testid={`node-output-${data.name}`}>
      <header>
        Output
        <div className="step-name">{data.name}</div>
      </header>
      <div className="row">
        <Handle type="target" position={Position.Left} id={VALUE_HANDLE} data-testid={`handle-in-output-${data.name}`} />
        value <span className="kinds">*</span>
      </div>
      <Messages errors={errors} warnings={warnings} name={`output-${data.name}`} />
    </div>
  );
});

// Named apart from React Flow's built-in `input` / `output` node types and their styles.
export const nodeTypes = { block: BlockNode, workflowInput: InputNode, workflowOutput: OutputNode };
