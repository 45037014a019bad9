// Everything on screen that is not the document: the status line, the signed-in user, validation
// results, the latest run, and which dialog or menu is open.

import { create } from "zustand";

import type { Issue, RunSummary } from "../api";

export type Level = "error" | "warning" | "success" | "info";

export type Dialog =
  | { type: "signIn"; reason?: string; then?: () => void }
  | { type: "stale"; current: number; changes: string[] | null }
  | { type: "open" }
  | { type: "name"; title: string; label: string; initial: string; onDone: (name: string) => void }
  | { type: "shortcuts" }
  | { type: "upgrade"; step: string; to: string }
  | { type: "subflowUpgrade"; step: string; workflow: number; from: number; to: number }
  | { type: "publish" }
  | { type: "quickAdd"; at: { x: number; y: number }; screen: { x: number; y: number }; from: { node: string; handle: string } | null }
  | {
      type: "menu";
      screen: { x: number; y: number };
      target: { node: string; nodes: string[] } | { edge: string } | { pane: { x: number; y: number } };
    }
  | null;

interface UiState {
  status: { text: string; level: Level };
  user: string | null;
  validation: { valid: boolean | null; errors: Issue[]; warnings: Issue[] };
  run: RunSummary | null;
  dialog: Dialog;
  say: (text: string, level?: Level) => void;
  setUser: (user: string | null) => void;
  setValidation: (validation: UiState["validation"]) => void;
  setRun: (run: RunSummary | null) => void;
  show: (dialog: Dialog) => void;
}

export const useUi = create<UiState>()((set) => ({
  status: { text: "", level: "info" },
  user: null,
  validation: { valid: null, errors: [], warnings: [] },
  run: null,
  dialog: null,
  say: (text, level = "info") => set({ status: { text, level } }),
  setUser: (user) => set({ user }),
  setValidation: (validation) => set({ validation }),
  setRun: (run) => set({ run }),
  show: (dialog) => set({ dialog }),
}));
