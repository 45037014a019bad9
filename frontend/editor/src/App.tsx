// The editor: toolbar, palette, canvas, side panel (inspector, run, history) and status line.

import { QueryClientProvider } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect } from "react";

import { api } from "./api";
import { mayReplace, newDocument, openWorkflow, setAddress } from "./actions/documents";
import { Canvas } from "./components/Canvas";
import { BatchPanel } from "./components/BatchPanel";
import { Dialogs } from "./components/Dialogs";
import { EvaluatePanel } from "./components/evaluate/EvaluatePanel";
import { HistoryPanel } from "./components/HistoryPanel";
import { Inspector } from "./components/Inspector";
import { Palette } from "./components/Palette";
import { Popups } from "./components/Popups";
import { RunPanel } from "./components/RunPanel";
import { StatusBar } from "./components/StatusBar";
import { Toolbar } from "./components/Toolbar";
import { useShortcuts } from "./hooks/useShortcuts";
import { useValidation } from "./hooks/useValidation";
import { warmUpLayout } from "./layout";
import { keys, queryClient, reason } from "./server/client";
import { useCatalog } from "./store/catalog";
import { isDirty, useDocument } from "./store/document";
import { useUi } from "./store/ui";

function useStartup(): void {
  useEffect(() => {
    useCatalog
      .getState()
      .load()
      // elk (1.4 MB) is fetched once the palette is up and the page idle, never before the palette.
      .then(warmUpLayout, (e: unknown) => useUi.getState().say(`Could not load the blocks: ${String(e)}`, "error"));
    queryClient.fetchQuery({ queryKey: keys.me, queryFn: api.me }).then(
      (r) => useUi.getState().setUser(r.authenticated ? r.username : null),
      (e: unknown) => useUi.getState().say(`Could not ask who is signed in: ${reason(e)}`, "error"),
    );
    const addressed = () => Number(new URLSearchParams(window.location.search).get("workflow")) || null;
    const first = addressed();
    if (first) void openWorkflow(first, { ask: false });
    // Back and Forward open what the address names, after asking when there are unsaved changes; a
    // "no" keeps the document (and its undo history) and puts its address back.
    const openFromAddress = () => {
      const id = addressed();
      const open = useDocument.getState().meta.id;
      if (id === open) return;
      if (!mayReplace()) {
        setAddress(open);
        return;
      }
      if (id) void openWorkflow(id, { ask: false });
      else newDocument({ ask: false });
    };
    window.addEventListener("popstate", openFromAddress);
    const warn = (e: BeforeUnloadEvent) => {
      if (isDirty(useDocument.getState())) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    // The tab's title carries the name and an unsaved-changes marker.
    const title = (s = useDocument.getState()) => {
      document.title = `${isDirty(s) ? "● " : ""}${s.meta.name} · Blockwise`;
    };
    title();
    const unsubscribe = useDocument.subscribe((s) => title(s));
    return () => {
      window.removeEventListener("popstate", openFromAddress);
      window.removeEventListener("beforeunload", warn);
      unsubscribe();
    };
  }, []);
}

function SidePanel() {
  // Everything here belongs to the open document: a new one starts these panels afresh.
  const generation = useDocument((s) => s.generation);
  return (
    <aside className="side" data-testid="properties-panel" aria-label="Inspector" key={generation}>
      <Inspector />
      <RunPanel />
      <BatchPanel />
      <EvaluatePanel />
      <HistoryPanel />
    </aside>
  );
}

function Editor() {
  useStartup();
  useValidation();
  useShortcuts();
  return (
    <div className="app">
      <Toolbar />
      <Palette />
      <Canvas />
      <SidePanel />
      <StatusBar />
      <Dialogs />
      <Popups />
    </div>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ReactFlowProvider>
        <Editor />
      </ReactFlowProvider>
    </QueryClientProvider>
  );
}
