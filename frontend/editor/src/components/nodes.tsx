// The three kinds of node on the canvas: workflow inputs, steps (blocks) and workflow outputs.

import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo, useMemo } from "react";

import type { BlockDetail, Issue } from "../api";
import { FLOW_IN, VALUE_HANDLE } from "../graph";
import { useNodeIssues as useIssues } from "../hooks/useNodeIssues";
import { useWireKinds } from "../hooks/useWire";
import { UnknownHandles } from "./UnknownBlock";
import { acceptedFrom, fits } from "../kinds";
import { useCatalog } from "../store/catalog";
import { newerDefault } from "../upgrades";
import { useDocument, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { CategoryIcon } from "./icons";
import { RunInputs } from "./outputs/RunInputs";
import { useRunning } from "./outputs/running";
import { summarise } from "./outputs/summary";
import { gatesSteps, keyOfHandle, propertyOfHandle } from "../wiring";

export function Messages({ errors, warnings, name }: { errors: Issue[]; warnings: Issue[]; name: string }) {
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

/** This step's own result in the shown run (its first input element), in a few words. */
export function RunBadge({ name }: { name: string }) {
  // Its own step's result and timing only: another step's result does not render this badge again.
  const result = useUi((s) => s.run?.steps?.[name]?.[0]);
  const timing = useUi((s) => s.run?.timings[name]);
  const summary = useMemo(() => summarise(result), [result]);
  if (!summary && timing === undefined) return null;
  return (
    <div className={`run-badge ${summary?.kind === "status" ? `status-${summary.text}` : ""}`} data-testid={`node-run-${name}`}>
      {summary && (
        <span data-testid={`node-result-${name}`} className="result">
          {summary.kind === "image" && summary.thumbnail && <img src={summary.thumbnail} alt={`${name} output`} className="thumbnail" />}
          {summary.kind === "classification" ? <span data-testid={`node-top-${name}`}>{summary.text}</span> : summary.text}
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
  const { errors, warnings } = useIssues(id);
  const status = useUi((s) => s.run?.steps?.[data.name]?.[0]?.status);
  const running = useRunning((s) => s.running);
  if (data.kind !== "block") return null;
  // The states (issues, selection, the run) change the frame and the badge only: the body, with its
  // handles, is memoized apart, so a run's results do not draw every step's handles again.
  return (
    <div
      className={`node block cat-${detail?.category ?? "unknown"}${errors.length ? " has-errors" : warnings.length ? " has-warnings" : ""}${selected ? " selected" : ""}${running ? " running" : status ? ` run-${status}` : ""}`}
      data-testid={`node-${data.name}`}
    >
      <BlockBody id={id} name={data.name} typeIdentifier={data.typeIdentifier} detail={detail} />
      <Messages errors={errors} warnings={warnings} name={data.name} />
      <RunBadge name={data.name} />
    </div>
  );
});

const BlockBody = memo(function BlockBody({
  id,
  name,
  typeIdentifier,
  detail,
}: {
  id: string;
  name: string;
  typeIdentifier: string;
  detail: BlockDetail | undefined;
}) {
  const table = useCatalog((s) => s.kinds);
  const drag = useWireKinds();
  // The names of this step's map entries (one handle each), as text so other nodes' wires do not re-render it.
  const entryText = useDocument((s) =>
    s.edges
      .filter((e) => e.target === id && e.targetHandle?.includes("."))
      .map((e) => e.targetHandle)
      .join("\n"),
  );
  const entries = entryText ? entryText.split("\n") : [];
  return (
    <>
      <header>
        <CategoryIcon category={detail?.category ?? "unknown"} /> <span className="title">{detail?.human_name ?? typeIdentifier}</span>{" "}
        <small>{detail?.version}</small>
        <UpgradeBadge detail={detail} step={name} />
        {detail && !detail.executable && (
          <span
            className="badge remote"
            data-testid={`node-cannot-run-${name}`}
            title="This version has no implementation on this server: see the Run panel."
          >
            cannot run here
          </span>
        )}
        <div className="step-name">{name}</div>
      </header>
      <Handle
        type="target"
        position={Position.Top}
        id={FLOW_IN}
        className="flow-in"
        data-testid={`handle-flow-${name}`}
        title="Gated by a flow-control step"
      />
      {detail?.properties
        .filter((p) => p.takes_reference)
        .map((p) => (
          <div key={p.name}>
            <div className="row">
              <Handle
                type="target"
                position={Position.Left}
                id={p.name}
                data-testid={`handle-in-${name}-${p.name}`}
                className={drag && fits(table, drag.kinds, acceptedFrom(p, drag.fromStep)) ? "compatible" : ""}
              />
              {p.name} <span className="kinds">{p.kinds.join(" | ")}</span>
            </div>
            {entries
              .filter((h) => propertyOfHandle(h) === p.name)
              .map((h) => (
                <div className="row entry" key={h}>
                  <Handle type="target" position={Position.Left} id={h} data-testid={`handle-in-${name}-${h}`} />
                  {keyOfHandle(h)}
                </div>
              ))}
          </div>
        ))}
      {/* Map entries of a property the block does not list as a map still get their handle, so their wires draw. */}
      {detail &&
        entries
          .filter((h) => !detail.properties.some((p) => p.takes_reference && p.name === propertyOfHandle(h)))
          .map((h) => (
            <div className="row entry" key={h}>
              <Handle type="target" position={Position.Left} id={h} />
              {h}
            </div>
          ))}
      {detail?.properties.filter(gatesSteps).map((p) => (
        <div className="row out flow" key={p.name}>
          {p.name} <span className="kinds">steps</span>
          <Handle type="source" position={Position.Right} id={p.name} className="flow-out" data-testid={`handle-out-${name}-${p.name}`} />
        </div>
      ))}
      {detail?.outputs.map((o) => (
        <div className="row out" key={o.name}>
          {o.name} <span className="kinds">{o.kinds.join(" | ")}</span>
          <Handle type="source" position={Position.Right} id={o.name} data-testid={`handle-out-${name}-${o.name}`} />
        </div>
      ))}
      {!detail && <UnknownHandles id={id} name={name} typeIdentifier={typeIdentifier} />}
    </>
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
      {image && <RunInputs name={data.name} />}
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
