// Popups at the pointer: the quick-add block search and the right-click menus.

import { useReactFlow } from "@xyflow/react";
import { useEffect, useMemo, useRef, useState } from "react";

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
import { SubflowMenuItems } from "./SubflowMenu";

const close = () => useUi.getState().show(null);

/** Where a popup of this size opens at the pointer without leaving the canvas (nor the window). */
export function within(screen: { x: number; y: number }, width: number, height: number) {
  const canvas = document.querySelector("[data-testid='canvas']")?.getBoundingClientRect();
  const area = canvas ?? { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
  const left = Math.max(area.left, Math.min(screen.x, area.right - width - 8));
  const top = Math.max(area.top, Math.min(screen.y, area.bottom - height - 8));
  return { left, top };
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
  const users = await Promise.all(
    kinds.map((k) =>
      api.kind(k).then(
        (d) => d.used_by.inputs.map((i) => i.type_identifier),
        () => [],
      ),
    ),
  );
  return new Set(users.flat());
}

function QuickAdd({ dialog }: { dialog: Extract<Dialog, { type: "quickAdd" }> }) {
  const blocks = useCatalog((s) => s.blocks);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [allowed, setAllowed] = useState<Set<string> | null | undefined>(dialog.from ? undefined : null);
  useEffect(() => {
    if (dialog.from) void takers(dialog.from).then(setAllowed);
  }, [dialog.from]);
  const found = useMemo(
    () =>
      allowed === undefined
        ? []
        : search(blocks, query)
            .filter((b) => allowed === null || allowed.has(b.type_identifier))
            .slice(0, 50),
    [blocks, query, allowed],
  );
  const choose = async (block: BlockSummary) => {
    close();
    // The block and its wire are one change: one undo takes both back.
    await useCatalog.getState().ensureDetail(block.type_identifier);
    const document = useDocument.getState();
    document.beginGesture();
    try {
      await addAndWire(block);
    } finally {
      useDocument.getState().endGesture();
    }
  };
  const addAndWire = async (block: BlockSummary) => {
    const node = await addBlock(block, dialog.at);
    if (!node || !dialog.from) return;
    const source = useDocument.getState().nodes.find((n) => n.id === dialog.from?.node);
    const detail = useCatalog.getState().details[block.type_identifier];
    const produced = producedKinds(source, dialog.from.handle);
    const fromStep = source?.data.kind === "block";
    const property = detail?.properties.find(
      (p) => p.takes_reference && fits(useCatalog.getState().kinds, produced, acceptedFrom(p, fromStep)),
    );
    if (property) connect({ source: dialog.from.node, sourceHandle: dialog.from.handle, target: node.id, targetHandle: property.name });
  };
  const current = Math.min(active, Math.max(0, found.length - 1));
  const optionId = (index: number) => `quick-add-option-${index}`;
  return (
    <div className="popup quick-add" role="dialog" aria-label="Add a block" style={within(dialog.screen, 300, 320)}>
      <input
        placeholder="Find a block"
        type="search"
        aria-label="Find a block"
        aria-controls="quick-add-options"
        aria-activedescendant={found.length ? optionId(current) : undefined}
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "Escape") close();
          else if (e.key === "ArrowDown") setActive(Math.min(current + 1, found.length - 1));
          else if (e.key === "ArrowUp") setActive(Math.max(current - 1, 0));
          else if (e.key === "Enter" && found[current]) void choose(found[current]);
          else return;
          e.preventDefault();
        }}
      />
      <ul role="listbox" id="quick-add-options" aria-label="Blocks that fit">
        {allowed === undefined && <li>Finding the blocks that take this…</li>}
        {found.map((b, index) => (
          <li
            key={b.type_identifier}
            id={optionId(index)}
            role="option"
            aria-selected={index === current}
            className={index === current ? "active" : undefined}
            ref={index === current ? (el) => el?.scrollIntoView({ block: "nearest" }) : undefined}
            onMouseEnter={() => setActive(index)}
            onClick={() => void choose(b)}
          >
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
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => list.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus(), []);
  const item = (label: string, action: () => void) => (
    <li role="menuitem" tabIndex={-1} onClick={() => (close(), action())} onKeyDown={(e) => e.key === "Enter" && (close(), action())}>
      {label}
    </li>
  );
  // Arrows move between the items.
  const move = (e: React.KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const items = [...(list.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
  };
  return (
    <ul ref={list} className="popup menu" role="menu" aria-label="Actions" style={within(dialog.screen, 160, 140)} onKeyDown={move}>
      {"node" in target && (
        <>
          {item("Rename", () => {
            const node = useDocument.getState().nodes.find((n) => n.id === target.node);
            if (!node) return;
            selectOnly(node.id);
            useUi.getState().show({
              type: "name",
              title: "Rename",
              label: "Name",
              initial: node.data.name,
              onDone: (name) => useDocument.getState().renameNode(node.id, name),
            });
          })}
          {item("Duplicate", () => void duplicateSelection())}
          {item("Copy", () => void copySelection())}
          <SubflowMenuItems target={target} item={item} />
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
    // Captured before the canvas sees the press (it keeps pointer events to itself for panning).
    const away = (e: PointerEvent) => {
      if (!(e.target instanceof Element) || !e.target.closest(".popup")) close();
    };
    const escape = (e: KeyboardEvent) => e.key === "Escape" && close();
    window.addEventListener("pointerdown", away, true);
    window.addEventListener("keydown", escape);
    return () => {
      window.removeEventListener("pointerdown", away, true);
      window.removeEventListener("keydown", escape);
    };
  }, [dialog]);
  if (dialog?.type === "quickAdd") return <QuickAdd key={`${dialog.at.x},${dialog.at.y}`} dialog={dialog} />;
  if (dialog?.type === "menu") return <Menu dialog={dialog} />;
  return null;
}
