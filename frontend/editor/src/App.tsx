// The editor: palette, canvas, properties panel, validation as you edit, save, open and run.

import {
  addEdge,
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeProps,
} from "@xyflow/react";
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";

import { api, ApiError, type BlockDetail, type BlockSummary, type Issue } from "./api";
import {
  definitionToGraph,
  graphToDefinition,
  inputId,
  kindsCompatible,
  layout,
  nodeForPointer,
  outputId,
  stepId,
  uniqueName,
  VALUE_HANDLE,
  type Definition,
  type GraphEdge,
  type GraphNode,
  type NodeData,
} from "./graph";

type FlowNode = Node<NodeData>;

interface EditorContextValue {
  details: Record<string, BlockDetail>;
  issues: Record<string, Issue[]>;
  warnings: Record<string, Issue[]>;
  draggingKinds: string[] | null;
}

const EditorContext = createContext<EditorContextValue>({ details: {}, issues: {}, warnings: {}, draggingKinds: null });

const IMAGE_KINDS = ["image"];
const ANY_KINDS = ["*"];

function sourceKinds(node: FlowNode | undefined, handle: string | null | undefined, details: Record<string, BlockDetail>) {
  if (!node) return [];
  const data = node.data;
  if (data.kind === "input") return data.inputType === "WorkflowImage" ? IMAGE_KINDS : ANY_KINDS;
  if (data.kind === "block") {
    if (handle === "*") return ANY_KINDS;
    return details[data.typeIdentifier]?.outputs.find((o) => o.name === handle)?.kinds ?? [];
  }
  return [];
}

function targetKinds(node: FlowNode | undefined, handle: string | null | undefined, details: Record<string, BlockDetail>) {
  if (!node) return [];
  const data = node.data;
  if (data.kind === "output") return ANY_KINDS;
  if (data.kind === "block") return details[data.typeIdentifier]?.properties.find((p) => p.name === handle)?.kinds ?? [];
  return [];
}

const BlockNode = memo(function BlockNode({ data }: NodeProps<FlowNode>) {
  const { details, issues, warnings, draggingKinds } = useContext(EditorContext);
  if (data.kind !== "block") return null;
  const detail = details[data.typeIdentifier];
  const errors = issues[stepId(data.name)] ?? [];
  const nodeWarnings = warnings[stepId(data.name)] ?? [];
  return (
    <div className={`node${errors.length ? " has-errors" : ""}`} data-testid={`node-${data.name}`}>
      <header>
        {detail?.human_name ?? data.typeIdentifier} <small>{detail?.version}</small>
        <div><small>{data.name}</small></div>
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
              className={draggingKinds && kindsCompatible(draggingKinds, p.kinds) ? "compatible" : ""}
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
      {errors.length > 0 && (
        <div className="errors" data-testid={`node-errors-${data.name}`}>
          {errors.map((e, i) => (
            <div key={i}>{e.message}</div>
          ))}
        </div>
      )}
      {nodeWarnings.length > 0 && (
        <div className="warnings">
          {nodeWarnings.map((w, i) => (
            <div key={i}>{w.message}</div>
          ))}
        </div>
      )}
      {detail && (
        <div className="row">
          <a href={detail.docs_url} target="_blank" rel="noreferrer">docs</a>
        </div>
      )}
    </div>
  );
});

const InputNode = memo(function InputNode({ data }: NodeProps<FlowNode>) {
  if (data.kind !== "input") return null;
  return (
    <div className="node" data-testid={`node-${data.name}`}>
      <header>{data.inputType === "WorkflowImage" ? "Image input" : "Parameter"}: {data.name}</header>
      <div className="row out">
        value <span className="kinds">{data.inputType === "WorkflowImage" ? "image" : "*"}</span>
        <Handle type="source" position={Position.Right} id={VALUE_HANDLE} data-testid={`handle-out-${data.name}-value`} />
      </div>
    </div>
  );
});

const OutputNode = memo(function OutputNode({ data }: NodeProps<FlowNode>) {
  if (data.kind !== "output") return null;
  return (
    <div className="node" data-testid={`node-output-${data.name}`}>
      <header>Output: {data.name}</header>
      <div className="row">
        <Handle type="target" position={Position.Left} id={VALUE_HANDLE} data-testid={`handle-in-output-${data.name}`} />
        value <span className="kinds">*</span>
      </div>
    </div>
  );
});

// Named apart from React Flow's built-in `input` / `output` node types and their styles.
const nodeTypes = { block: BlockNode, workflowInput: InputNode, workflowOutput: OutputNode };

function Palette({ blocks, onAdd }: { blocks: BlockSummary[]; onAdd: (b: BlockSummary) => void }) {
  const [query, setQuery] = useState("");
  const filtered = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return blocks.filter((b) => {
      if (b.state !== "published" && b.state !== "deprecated") return false;
      const text = `${b.human_name} ${b.type_identifier} ${b.aliases.join(" ")} ${b.search_keywords.join(" ")}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [blocks, query]);
  const groups = useMemo(() => {
    const byCategory = new Map<string, BlockSummary[]>();
    for (const b of filtered) byCategory.set(b.category || "other", [...(byCategory.get(b.category || "other") ?? []), b]);
    return [...byCategory.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [filtered]);
  return (
    <aside className="palette" data-testid="palette">
      <input
        data-testid="palette-search"
        placeholder="Search blocks"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        style={{ width: "100%" }}
      />
      <div data-testid="palette-count"><small>{filtered.length} blocks</small></div>
      {groups.map(([category, items]) => (
        <section key={category}>
          <h4>{category.replace(/_/g, " ")}</h4>
          {items.map((b) => (
            <div
              key={b.type_identifier}
              className="palette-item"
              draggable
              data-testid={`palette-item-${b.type_identifier}`}
              onDragStart={(e) => e.dataTransfer.setData("application/blockwise", b.type_identifier)}
              onDoubleClick={() => onAdd(b)}
              title={b.short_description}
            >
              {b.human_name} <small>{b.version}</small>
              {b.state === "deprecated" && (
                <span className="badge deprecated" title={b.deprecation_message}>
                  deprecated{b.replacement ? ` → ${b.replacement}` : ""}
                </span>
              )}
              {!b.executable && <span className="badge remote">cannot run here</span>}
            </div>
          ))}
        </section>
      ))}
    </aside>
  );
}

function Editor() {
  const flow = useReactFlow<FlowNode>();
  const [blocks, setBlocks] = useState<BlockSummary[]>([]);
  const [details, setDetails] = useState<Record<string, BlockDetail>>({});
  const [nodes, setNodes] = useState<FlowNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [warnings, setWarnings] = useState<Issue[]>([]);
  const [valid, setValid] = useState<boolean | null>(null);
  const [message, setMessage] = useState("");
  const [draggingKinds, setDraggingKinds] = useState<string[] | null>(null);
  const [user, setUser] = useState<string | null>(null);
  const [workflow, setWorkflow] = useState<{ id: number; revision: number; name: string } | null>(null);
  const [name, setName] = useState("My workflow");
  const [saved, setSaved] = useState<Array<{ id: number; name: string; revision: number }>>([]);
  const [revisions, setRevisions] = useState<Array<{ number: number; message: string; author: string | null; created_at: string; valid: boolean }>>([]);
  const [runResult, setRunResult] = useState<{ outputs: Array<Record<string, unknown>>; timings: Record<string, number> } | null>(null);
  const history = useRef<{ past: Array<[FlowNode[], Edge[]]>; future: Array<[FlowNode[], Edge[]]> }>({ past: [], future: [] });
  const imageFile = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.blocks().then((r) => setBlocks(r.results)).catch((e) => setMessage(String(e)));
    api.me().then((r) => setUser(r.authenticated ? r.username : null)).catch(() => undefined);
  }, []);

  const ensureDetail = useCallback(
    async (typeIdentifier: string) => {
      if (details[typeIdentifier]) return details[typeIdentifier];
      const detail = await api.block(typeIdentifier);
      setDetails((d) => ({ ...d, [typeIdentifier]: detail }));
      return detail;
    },
    [details],
  );

  const remember = useCallback(() => {
    history.current.past.push([nodes, edges]);
    history.current.future = [];
  }, [nodes, edges]);

  const definition = useMemo(
    () => graphToDefinition(nodes as unknown as GraphNode[], edges as unknown as GraphEdge[]),
    [nodes, edges],
  );

  // Validation as you edit, debounced; each issue lands on its node by JSON Pointer.
  useEffect(() => {
    if (nodes.length === 0) {
      setIssues([]);
      setValid(null);
      return;
    }
    const timer = setTimeout(() => {
      api
        .validate(definition)
        .then((r) => {
          setIssues(r.errors);
          setWarnings(r.warnings);
          setValid(r.valid);
        })
        .catch((e) => setMessage(e instanceof ApiError ? e.message : String(e)));
    }, 250);
    return () => clearTimeout(timer);
  }, [definition, nodes.length]);

  const issuesByNode = useMemo(() => {
    const grouped: Record<string, Issue[]> = {};
    for (const issue of issues) {
      const found = nodeForPointer(issue.pointer, nodes as unknown as GraphNode[]);
      const key = found?.nodeId ?? "workflow";
      grouped[key] = [...(grouped[key] ?? []), issue];
    }
    return grouped;
  }, [issues, nodes]);

  const warningsByNode = useMemo(() => {
    const grouped: Record<string, Issue[]> = {};
    for (const warning of warnings) {
      const found = nodeForPointer(warning.pointer, nodes as unknown as GraphNode[]);
      if (found) grouped[found.nodeId] = [...(grouped[found.nodeId] ?? []), warning];
    }
    return grouped;
  }, [warnings, nodes]);

  const addBlock = useCallback(
    async (summary: BlockSummary, position = { x: 300, y: 80 }) => {
      const detail = await ensureDetail(summary.type_identifier);
      remember();
      const base = detail.family.split("/").pop() ?? "step";
      setNodes((current) => {
        const stepName = uniqueName(base, current.map((n) => n.data.name));
        return [
          ...current,
          { id: stepId(stepName), type: "block", position, data: { kind: "block", name: stepName, typeIdentifier: summary.type_identifier, literals: {} } },
        ];
      });
    },
    [ensureDetail, remember],
  );

  const addInput = (inputType: "WorkflowImage" | "WorkflowParameter") => {
    remember();
    setNodes((current) => {
      const inputName = uniqueName(inputType === "WorkflowImage" ? "image" : "parameter", current.filter((n) => n.data.kind === "input").map((n) => n.data.name));
      const count = current.filter((n) => n.data.kind === "input").length;
      return [...current, { id: inputId(inputName), type: "workflowInput", position: { x: 0, y: 40 + count * 110 }, data: { kind: "input", name: inputName, inputType } }];
    });
  };

  const addOutput = () => {
    remember();
    setNodes((current) => {
      const outputName = uniqueName("output", current.filter((n) => n.data.kind === "output").map((n) => n.data.name));
      const count = current.filter((n) => n.data.kind === "output").length;
      return [...current, { id: outputId(outputName), type: "workflowOutput", position: { x: 720, y: 40 + count * 110 }, data: { kind: "output", name: outputName } }];
    });
  };

  const refusal = useCallback(
    (connection: Connection | Edge): string | null => {
      const source = nodes.find((n) => n.id === connection.source);
      const target = nodes.find((n) => n.id === connection.target);
      const produced = sourceKinds(source, connection.sourceHandle, details);
      const accepted = targetKinds(target, connection.targetHandle, details);
      if (kindsCompatible(produced, accepted)) return null;
      return `Cannot connect: ${connection.sourceHandle} gives ${produced.join(" | ") || "nothing"}, but ${connection.targetHandle} accepts ${accepted.join(" | ") || "nothing"}.`;
    },
    [nodes, details],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const reason = refusal(connection);
      if (reason) {
        setMessage(reason);
        return;
      }
      remember();
      setMessage("");
      // A property takes one wire: a new one replaces the old.
      setEdges((current) =>
        addEdge(
          { ...connection, id: `${connection.source}/${connection.sourceHandle}->${connection.target}/${connection.targetHandle}` },
          current.filter((e) => !(e.target === connection.target && e.targetHandle === connection.targetHandle)),
        ),
      );
    },
    [refusal, remember],
  );

  const load = useCallback(
    async (spec: Definition) => {
      await Promise.all([...new Set(spec.steps.map((s) => String(s.type)))].map((t) => ensureDetail(t).catch(() => undefined)));
      const graph = definitionToGraph(spec);
      setNodes(graph.nodes as unknown as FlowNode[]);
      setEdges(graph.edges);
      history.current = { past: [], future: [] };
    },
    [ensureDetail],
  );

  const undo = () => {
    const previous = history.current.past.pop();
    if (!previous) return;
    history.current.future.push([nodes, edges]);
    setNodes(previous[0]);
    setEdges(previous[1]);
  };
  const redo = () => {
    const next = history.current.future.pop();
    if (!next) return;
    history.current.past.push([nodes, edges]);
    setNodes(next[0]);
    setEdges(next[1]);
  };

  const signIn = async () => {
    const username = prompt("Username") ?? "";
    const password = prompt("Password") ?? "";
    try {
      const me = await api.login(username, password);
      setUser(me.username);
      setMessage(`Signed in as ${me.username}.`);
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : String(e));
    }
  };

  const save = async () => {
    try {
      if (workflow) {
        const result = await api.saveWorkflow(workflow.id, workflow.revision, definition);
        setWorkflow({ ...workflow, revision: result.revision });
        setMessage(`Saved revision ${result.revision}.`);
      } else {
        const result = await api.createWorkflow(name, definition);
        setWorkflow({ id: result.id, revision: result.revision, name });
        setMessage(`Saved "${name}" (revision ${result.revision}).`);
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === "stale_revision" && workflow) {
        const current = Number(e.body.current_revision);
        if (confirm(`Someone saved revision ${current} meanwhile. Save yours on top of it?`)) {
          const result = await api.saveWorkflow(workflow.id, current, definition);
          setWorkflow({ ...workflow, revision: result.revision });
          setMessage(`Saved revision ${result.revision} over revision ${current}.`);
        } else setMessage(`Not saved: revision ${current} is newer. Open it to see the changes.`);
      } else setMessage(e instanceof ApiError ? e.message : String(e));
    }
  };

  const refreshSaved = async () => {
    const list = await api.workflows();
    setSaved(list.results);
  };

  const open = async (id: number) => {
    const wf = await api.workflow(id);
    await load(wf.specification as Definition);
    setWorkflow({ id: wf.id, revision: wf.revision, name: wf.name });
    setName(wf.name);
    setMessage(`Opened "${wf.name}" at revision ${wf.revision}.`);
  };

  const showHistory = async () => {
    if (!workflow) return;
    setRevisions((await api.revisions(workflow.id)).results);
  };

  const restore = async (number: number) => {
    if (!workflow) return;
    const restored = await api.restore(workflow.id, number);
    await load(restored.specification as Definition);
    setWorkflow({ ...workflow, revision: restored.number });
    setMessage(`Restored revision ${number} as revision ${restored.number}.`);
    setRevisions((await api.revisions(workflow.id)).results);
  };

  const run = async () => {
    const file = imageFile.current?.files?.[0];
    if (!file) {
      setMessage("Choose an image to run the workflow on.");
      return;
    }
    try {
      const result = await api.run(definition, file);
      setRunResult(result);
      setMessage("Run finished.");
    } catch (e) {
      setRunResult(null);
      setMessage(e instanceof ApiError ? `Run failed: ${e.message}` : String(e));
    }
  };

  const exportJson = () => {
    const blob = new Blob([JSON.stringify(definition, null, 2)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${name || "workflow"}.json`;
    link.click();
  };

  const importJson = async () => {
    const text = prompt("Paste a Roboflow workflow definition (JSON)");
    if (!text) return;
    try {
      await load(JSON.parse(text) as Definition);
    } catch (e) {
      setMessage(`Not a definition: ${String(e)}`);
    }
  };

  const selectedNode = nodes.find((n) => n.id === selected);
  const contextValue = useMemo(
    () => ({ details, issues: issuesByNode, warnings: warningsByNode, draggingKinds }),
    [details, issuesByNode, warningsByNode, draggingKinds],
  );

  return (
    <EditorContext.Provider value={contextValue}>
      <div className="app">
        <div className="toolbar">
          <button data-testid="add-image-input" onClick={() => addInput("WorkflowImage")}>+ Image input</button>
          <button data-testid="add-parameter" onClick={() => addInput("WorkflowParameter")}>+ Parameter</button>
          <button data-testid="add-output" onClick={addOutput}>+ Output</button>
          <button onClick={undo} data-testid="undo">Undo</button>
          <button onClick={redo} data-testid="redo">Redo</button>
          <button onClick={() => setNodes((n) => layout(n as unknown as GraphNode[], edges as unknown as GraphEdge[]) as unknown as FlowNode[])}>Layout</button>
          <input data-testid="workflow-name" value={name} onChange={(e) => setName(e.target.value)} />
          {user ? <span data-testid="signed-in">{user}</span> : <button data-testid="sign-in" onClick={signIn}>Sign in</button>}
          <button data-testid="save" onClick={save} disabled={!user}>Save</button>
          <button data-testid="open" onClick={refreshSaved}>Open…</button>
          <button data-testid="history" onClick={showHistory} disabled={!workflow}>History</button>
          <button onClick={exportJson}>Export</button>
          <button data-testid="import" onClick={importJson}>Import</button>
          <input type="file" accept="image/*" ref={imageFile} data-testid="run-image" />
          <button data-testid="run" onClick={run}>Run</button>
        </div>
        <Palette blocks={blocks} onAdd={(b) => void addBlock(b)} />
        <div
          className="canvas"
          data-testid="canvas"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            const identifier = e.dataTransfer.getData("application/blockwise");
            const summary = blocks.find((b) => b.type_identifier === identifier);
            if (summary) void addBlock(summary, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
          }}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={(changes) =>
              setNodes((current) => {
                let next = current;
                for (const change of changes) {
                  if (change.type === "position" && change.position) next = next.map((n) => (n.id === change.id ? { ...n, position: change.position! } : n));
                  if (change.type === "remove") {
                    next = next.filter((n) => n.id !== change.id);
                    setEdges((es) => es.filter((e) => e.source !== change.id && e.target !== change.id));
                  }
                  if (change.type === "select") setSelected(change.selected ? change.id : null);
                  if (change.type === "dimensions") next = next.map((n) => (n.id === change.id && change.dimensions ? { ...n, measured: change.dimensions } : n));
                }
                return next;
              })
            }
            onEdgesChange={(changes) => setEdges((current) => current.filter((e) => !changes.some((c) => c.type === "remove" && c.id === e.id)))}
            onConnect={onConnect}
            onConnectStart={(_, params) => {
              if (params.handleType !== "source") return;
              const node = nodes.find((n) => n.id === params.nodeId);
              setDraggingKinds(sourceKinds(node, params.handleId, details));
            }}
            onConnectEnd={() => setDraggingKinds(null)}
            deleteKeyCode={["Delete", "Backspace"]}
            defaultViewport={{ x: 20, y: 20, zoom: 0.8 }}
            onlyRenderVisibleElements
          >
            <Background />
            <Controls />
          </ReactFlow>
        </div>
        <aside className="side" data-testid="properties-panel">
          {selectedNode?.data.kind === "block" ? (
            <Properties
              node={selectedNode}
              detail={details[selectedNode.data.typeIdentifier]}
              bound={new Set(edges.filter((e) => e.target === selectedNode.id).map((e) => e.targetHandle ?? ""))}
              issues={issuesByNode[selectedNode.id] ?? []}
              onChange={(literals, typeIdentifier) => {
                remember();
                if (typeIdentifier) void ensureDetail(typeIdentifier);
                setNodes((current) =>
                  current.map((n) =>
                    n.id === selectedNode.id && n.data.kind === "block"
                      ? { ...n, data: { ...n.data, literals, typeIdentifier: typeIdentifier ?? n.data.typeIdentifier } }
                      : n,
                  ),
                );
              }}
            />
          ) : (
            <p>Select a block to edit its properties.</p>
          )}
          {saved.length > 0 && (
            <section data-testid="saved-list">
              <h4>Saved workflows</h4>
              {saved.map((w) => (
                <div key={w.id}>
                  <button data-testid={`open-${w.id}`} onClick={() => void open(w.id)}>{w.name}</button> r{w.revision}
                </div>
              ))}
            </section>
          )}
          {revisions.length > 0 && (
            <section data-testid="revisions">
              <h4>Revisions</h4>
              {revisions.map((r) => (
                <div key={r.number}>
                  r{r.number} {r.valid ? "" : "(draft)"} {r.author ?? ""} {r.message}{" "}
                  {workflow && r.number !== workflow.revision && (
                    <button data-testid={`restore-${r.number}`} onClick={() => void restore(r.number)}>restore</button>
                  )}
                </div>
              ))}
            </section>
          )}
          {runResult && <RunResults result={runResult} />}
        </aside>
        <div className="status">
          <span data-testid="validation-status">
            {valid === null ? "empty" : valid ? "valid" : `${issues.length} error${issues.length === 1 ? "" : "s"}`}
          </span>{" "}
          {(issuesByNode.workflow ?? []).map((i) => i.message).join(" ")}{" "}
          <span className="message" data-testid="message">{message}</span>
        </div>
      </div>
    </EditorContext.Provider>
  );
}

function Properties({
  node,
  detail,
  bound,
  issues,
  onChange,
}: {
  node: FlowNode;
  detail: BlockDetail | undefined;
  bound: Set<string>;
  issues: Issue[];
  onChange: (literals: Record<string, unknown>, typeIdentifier?: string) => void;
}) {
  if (node.data.kind !== "block" || !detail) return null;
  const literals = node.data.literals;
  const schemaProps = detail.schema.properties ?? {};
  const set = (name: string, value: unknown) => {
    const next = { ...literals };
    if (value === "" || value === undefined) delete next[name];
    else next[name] = value;
    onChange(next);
  };
  return (
    <div>
      <h3>{detail.human_name}</h3>
      <div className="field">
        <label>Version</label>
        <select
          data-testid="version-select"
          value={node.data.typeIdentifier}
          onChange={(e) => onChange(literals, e.target.value)}
        >
          {detail.versions.map((v) => (
            <option key={v.type_identifier} value={v.type_identifier}>
              {v.version || v.type_identifier} {v.state !== "published" ? `(${v.state})` : ""}
            </option>
          ))}
        </select>
      </div>
      {detail.properties
        .filter((p) => p.name !== "name" && p.accepts_literals)
        .map((p) => {
          const schema = schemaProps[p.name] ?? {};
          const branches = (schema.anyOf as Array<Record<string, unknown>> | undefined) ?? [schema];
          const literal = branches.find((b) => !b.reference) ?? {};
          const error = issues.find((i) => i.property === p.name);
          const value = literals[p.name];
          let control;
          if (bound.has(p.name)) control = <em>bound by a wire</em>;
          else if (Array.isArray(literal.enum)) {
            control = (
              <select data-testid={`field-${p.name}`} value={String(value ?? p.default ?? "")} onChange={(e) => set(p.name, e.target.value)}>
                {(literal.enum as unknown[]).map((option) => (
                  <option key={String(option)}>{String(option)}</option>
                ))}
              </select>
            );
          } else if (literal.type === "boolean") {
            control = <input type="checkbox" data-testid={`field-${p.name}`} checked={Boolean(value ?? p.default)} onChange={(e) => set(p.name, e.target.checked)} />;
          } else if (literal.type === "number" || literal.type === "integer") {
            control = (
              <input
                type="number"
                data-testid={`field-${p.name}`}
                min={literal.minimum as number | undefined}
                max={literal.maximum as number | undefined}
                step={literal.type === "integer" ? 1 : "any"}
                placeholder={p.has_default ? String(p.default) : ""}
                value={value === undefined ? "" : String(value)}
                onChange={(e) => set(p.name, e.target.value === "" ? undefined : Number(e.target.value))}
              />
            );
          } else if (literal.type === "string") {
            control = (
              <input
                data-testid={`field-${p.name}`}
                placeholder={p.has_default && p.default !== null ? String(p.default) : ""}
                value={typeof value === "string" ? value : ""}
                onChange={(e) => set(p.name, e.target.value)}
              />
            );
          } else {
            control = (
              <textarea
                data-testid={`field-${p.name}`}
                defaultValue={value === undefined ? "" : JSON.stringify(value)}
                onBlur={(e) => {
                  try {
                    set(p.name, e.target.value ? JSON.parse(e.target.value) : undefined);
                  } catch {
                    /* left as typed until it is valid JSON */
                  }
                }}
              />
            );
          }
          return (
            <div className="field" key={p.name}>
              <label title={p.description}>
                {p.title || p.name} {p.required ? "*" : ""} {p.takes_reference && <span className="kinds">refs: {p.kinds.join(" | ")}</span>}
              </label>
              {control}
              {error && <div className="error" data-testid={`field-error-${p.name}`}>{error.message}</div>}
            </div>
          );
        })}
    </div>
  );
}

function RunResults({ result }: { result: { outputs: Array<Record<string, unknown>>; timings: Record<string, number> } }) {
  return (
    <section data-testid="run-results">
      <h4>Results</h4>
      {result.outputs.map((output, index) => (
        <div key={index}>
          {Object.entries(output).map(([key, value]) => {
            const prediction = value as { top?: string; predictions?: Array<{ class: string; confidence: number }> } | null;
            if (prediction && typeof prediction === "object" && Array.isArray(prediction.predictions)) {
              return (
                <div key={key}>
                  <strong>{key}</strong>: top <span data-testid="run-top">{prediction.top}</span>
                  {prediction.predictions.map((p) => (
                    <div key={p.class}>
                      {p.class} {p.confidence.toFixed(2)}
                      <div className="bar" style={{ width: `${Math.round(p.confidence * 100)}%` }} />
                    </div>
                  ))}
                </div>
              );
            }
            return (
              <div key={key}>
                <strong>{key}</strong>: {JSON.stringify(value)}
              </div>
            );
          })}
        </div>
      ))}
      <h4>Timings</h4>
      {Object.entries(result.timings).map(([step, ms]) => (
        <div key={step}>
          {step}: {ms.toFixed(1)} ms
        </div>
      ))}
    </section>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}
