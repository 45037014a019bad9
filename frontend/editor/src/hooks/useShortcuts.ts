// Keyboard shortcuts on the canvas. Inside a text field the browser's own editing keys (and its own
// undo) win; everywhere else Ctrl+Z and friends act on the document.

import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";

import { copySelection, deleteSelection, duplicateSelection, lastCopied, pasteText, selectAll } from "../actions/editing";
import { save } from "../actions/documents";
import { groupSelection, ungroupSelection } from "../actions/subflows";
import { useRevisionDiff } from "../components/RevisionDiff";
import { useDocument } from "../store/document";
import { useUi } from "../store/ui";

export const SHORTCUTS: Array<[string, string]> = [
  ["Click, Shift+click, drag on the canvas", "Select nodes and wires"],
  ["Ctrl+A", "Select everything"],
  ["Delete / Backspace", "Delete the selection"],
  ["Ctrl+C / Ctrl+V", "Copy / paste (Roboflow JSON, works between workflows)"],
  ["Ctrl+D", "Duplicate the selection"],
  ["Ctrl+G / Ctrl+Shift+G", "Group the selected steps into a subflow / ungroup the selected subflow"],
  ["Ctrl+Z", "Undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "Redo"],
  ["Ctrl+S / Cmd+S", "Save (also while typing in a field)"],
  ["A", "Add a block (search, then arrows and Enter)"],
  ["Double-click the canvas", "Add a block there"],
  ["Drop a wire on the canvas", "Add a block that takes it, already wired"],
  ["Right-click", "Menu for a node, a wire or the canvas"],
  ["?", "These shortcuts"],
];

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** The quick-add search, for a block placed in the middle of what the canvas shows. */
function quickAddInView(flow: ReturnType<typeof useReactFlow>): void {
  const box = document.querySelector("[data-testid='canvas']")?.getBoundingClientRect();
  const screen = box ? { x: box.left + box.width / 3, y: box.top + box.height / 3 } : { x: 400, y: 200 };
  useUi.getState().show({ type: "quickAdd", at: flow.screenToFlowPosition(screen), screen, from: null });
}

export function useShortcuts(): void {
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      // Save works from anywhere, text fields included; the browser's "Save page as" never opens.
      if (mod && key === "s" && !event.altKey) {
        event.preventDefault();
        if (!useUi.getState().dialog) void save();
        return;
      }
      // While two revisions are compared, the canvas shows them, not the document: no edits then.
      if (typing(event.target) || useUi.getState().dialog || useRevisionDiff.getState().shown) return;
      const history = useDocument.temporal.getState();
      if (mod && key === "z" && !event.shiftKey) history.undo();
      else if (mod && ((key === "z" && event.shiftKey) || key === "y")) history.redo();
      else if (mod && key === "a") selectAll();
      else if (mod && key === "d") void duplicateSelection();
      else if (mod && key === "g") void (event.shiftKey ? ungroupSelection() : groupSelection());
      else if (!mod && (event.key === "Delete" || event.key === "Backspace")) void deleteSelection(flow);
      else if (!mod && event.key === "?") useUi.getState().show({ type: "shortcuts" });
      else if (!mod && !event.altKey && key === "a") quickAddInView(flow);
      else return;
      event.preventDefault();
    };
    // Copy and paste go through the browser's clipboard events, which need no permission.
    const onCopy = (event: ClipboardEvent) => {
      if (typing(event.target)) return;
      const text = copySelection();
      if (text === null) return;
      event.clipboardData?.setData("text/plain", text);
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (typing(event.target)) return;
      event.preventDefault();
      void pasteText(event.clipboardData?.getData("text/plain") || lastCopied());
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [flow]);
}
