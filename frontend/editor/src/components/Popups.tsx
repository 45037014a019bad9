// Popups at the pointer: the quick-add block search and the right-click menus.

import { useReactFlow } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";

import { api, type BlockSummary } from "../api";
import {
  addBlock,
  connect,
  copySelection,
  deleteElements,
  duplicateSelection,
  lastCopied,
  pasteText,
  producedKinds,
  selectOnly,
} from "../actions/editing";
import { acceptedFrom, fits } from "../kinds";
import { search } from "../search";
import { useCatalog } from "../store/catalog";
import { useDocument } from "../store/document";
import { useUi, type Dialog } from "../store/ui";

const close = () => useUi.getState().show(null);

/** Where a popup of this size opens at the pointer without running off the window. */
function within(screen: { x: number; y: number }, width: number, height: number) {
  return { left: Math.max(0, Math.min(screen.x, window.innerWidth - width - 8)), top: Math.max(0, Math.min(screen.y, window.innerHeight - height - 8)) };
}

/** The blocks with an input that takes what the wire carries, from the server's connection graph
 * (step outputs) or its kinds (workflow inputs); null means every block. */
async function takers(from: { node: string; handle: string }): Promise<Set<string> | null> {
  const node = useDocument.getState().nodes.find((n) => n.id === from.node);
  if (!node) return null;
  if (node.data.kind === "block") {
    const graph = await useCatalog.getState().ensureConnections();
    const consumers = graph.edges[node.data.typeIdentifier]?.outputs[from.handle];
    if (consumers === undefined || consumers === "*") return null;
    return new Set(consumers.map(([index]) => graph.blocks[index]));
  }
  const kinds = producedKinds(node, from.handle);
  if (kinds.includes("*")) return null;
  const users = await Promise.all(kinds.map((k) => api.kind(k).then((d) => d.used_by.inputs.map((i) => i.type_identifier), () => [])));
  return new Set(users.flat());
}

function QuickAdd({ dialog }: { dialog: Extract<Dialog, { type: "quickAdd" }> }) {
  const blocks = useCatalog((s) => s.blocks);
  const [query, setQuery] = useState("");
  const [allowed, setAllowed] = useState<Set<string> | null | undefined>(dialog.from ? undefined : null);
  useEffect(() => {
    if (dialog.from) void takers(dialog.from).then(setAllowed);
  }, [dialog.from]);
  const found = useMemo(
    () => (allowed === undefined ? [] : search(blocks, query).filter((b) => allowed === null || allowed.has(b.type_identifier)).slice(0, 50)),
    [blocks, query, allowed],
  );
  const choose = async (block: BlockSummary) => {
    close();
    const node = await addBlock(block, dialog.at);
    if (!node || !dialog.from) return;
    const source = useDocument.getState().nodes.find((n) => n.id === dialog.from?.node);
    const detail = useCatalog.getState().details[block.type_identifier];
    const produced = producedKinds(source, dialog.from.handle);
    const fromStep = source?.data.kind === "block";
    const property = detail?.properties.find((p) => p.takes_reference && fits(useCatalog.getState().kinds, produced, acceptedFrom(p, fromStep)));
    if (property) connect({ source: dialog.from.node, sourceHandle: dialog.from.handle, target: node.id, targetHandle: property.name });
  };
  return (
    <div className="popup quick-add" role="dialog" aria-label="Add a block" style={within(dialog.screen, 300, 320)}>
      <input
        placeholder="Find a block"
        type="search"
        aria-label="Find a block"
        autoFocus
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") close();
          if (e.key === "Enter" && found[0]) void choose(found[0]);
        }}
      />
      <ul role="listbox" aria-label="Blocks that fit">
        {allowed === undefined && <li>Finding the blocks that take this…</li>}
        {found.map((b) => (
          <li key={b.type_identifier} role="option" aria-selected={false} onClick={() => void choose(b)}>
            {b.human_name} <small>{b.version}</small>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Menu({ dialog }: { dialog: Extract<Dialog, { type: "menu" }> }) {
  const flow = useReactFlow();
  const target = dialog.target;
  const item = (label: string, action: () => void) => (
    <li role="menuitem" tabIndex={-1} onClick={() => (close(), action())}>
      {label}
    </li>
  );
  return (
    <ul className="popup menu" role="menu" aria-label="Actions" style={within(dialog.screen, 160, 140)}>
      {"node" in target && (
        <>
          {item("Rename", () => {
            const node = useDocument.getState().nodes.find((n) => n.id === target.node);
            if (!node) return;
            selectOnly(node.id);
            useUi.getState().show({ type: "name", title: "Rename", label: "Name", initial: node.data.name, onDone: (name) => useDocument.getState().renameNode(node.id, name) });
          })}
          {item("Duplicate", () => void duplicateSelection())}
          {item("Copy", () => void copySelection())}
          {item("Delete", () => void deleteElements(flow, { nodes: target.nodes }))}
        </>
      )}
      {"edge" in target && item("Delete", () => void deleteElements(flow, { edges: [target.edge] }))}
      {"pane" in target && (
        <>
          {item("Paste", () => void pasteText(lastCopied(), target.pane))}
          {item("Add a block here", () => useUi.getState().show({ type: "quickAdd", at: target.pane, screen: dialog.screen, from: null }))}
        </>
      )}
    </ul>
  );
}

export function Popups() {
  const dialog = useUi((s) => s.dialog);
  useEffect(() => {
    if (dialog?.type !== "menu" && dialog?.type !== "quickAdd") return;
    const away = (e: MouseEvent) => {
      if (!(e.target instanceof Element) || !e.target.closest(".popup")) close();
    };
    window.addEventListener("mousedown", away);
    return () => window.removeEventListener("mousedown", away);
  }, [dialog]);
  if (dialog?.type === "quickAdd") return <QuickAdd key={JSON.stringify(dialog.at)} dialog={dialog} />;
  if (dialog?.type === "menu") return <Menu dialog={dialog} />;
  return null;
}
