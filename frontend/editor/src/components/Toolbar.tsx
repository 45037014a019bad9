// The toolbar: documents, undo/redo, adding inputs and outputs, layout, and the signed-in user.

import { useStore } from "zustand";

import { api } from "../api";
import { exportJson, importFile, mayReplace, newDocument, save, saveAs } from "../actions/documents";
import { addInput, addOutput } from "../actions/editing";
import { isDirty, useDocument } from "../store/document";
import { useUi } from "../store/ui";
import { runAutoLayout } from "./Canvas";
import { FilePickerButton } from "./FilePickerButton";
import { ToolIcon } from "./icons";
import { PublishButton } from "./PublishButton";

function DocumentTitle() {
  const name = useDocument((s) => s.meta.name);
  const dirty = useDocument(isDirty);
  const rename = useDocument((s) => s.rename);
  return (
    <span className="doc-title">
      <input aria-label="Workflow name" data-testid="workflow-name" value={name} onChange={(e) => rename(e.target.value)} />
      {dirty && (
        <span className="dirty" data-testid="unsaved-marker" title="Unsaved changes" aria-label="Unsaved changes">
          ●
        </span>
      )}
    </span>
  );
}

function Session() {
  const user = useUi((s) => s.user);
  const show = useUi((s) => s.show);
  if (!user) return <button onClick={() => show({ type: "signIn" })}>Sign in</button>;
  return (
    <span className="session">
      <span data-testid="signed-in">{user}</span>
      <button
        onClick={() =>
          void api.logout().then(() => {
            useUi.getState().setUser(null);
            useUi.getState().say("Signed out.", "success");
          })
        }
      >
        Sign out
      </button>
    </span>
  );
}

export function Toolbar() {
  const history = useDocument.temporal;
  const canUndo = useStore(history, (s) => s.pastStates.length > 0);
  const canRedo = useStore(history, (s) => s.futureStates.length > 0);
  const show = useUi((s) => s.show);
  return (
    <div className="toolbar" role="toolbar" aria-label="Workflow">
      <div className="group">
        <button onClick={() => newDocument()}>
          <ToolIcon name="New" />
          New
        </button>
        <button onClick={() => mayReplace() && show({ type: "open" })}>
          <ToolIcon name="Open" />
          Open
        </button>
        <FilePickerButton accept=".json,application/json" inputTestId="import-file" onFile={(chosen) => void importFile(chosen)}>
          <ToolIcon name="Import" />
          Import
        </FilePickerButton>
        <button onClick={exportJson}>
          <ToolIcon name="Export" />
          Export
        </button>
        <button onClick={() => void save()}>
          <ToolIcon name="Save" />
          Save
        </button>
        <button onClick={saveAs}>
          <ToolIcon name="Save as" />
          Save as
        </button>
        <PublishButton />
      </div>
      <DocumentTitle />
      <div className="group">
        <button onClick={() => history.getState().undo()} disabled={!canUndo} title="Ctrl+Z">
          <ToolIcon name="Undo" />
          Undo
        </button>
        <button onClick={() => history.getState().redo()} disabled={!canRedo} title="Ctrl+Shift+Z">
          <ToolIcon name="Redo" />
          Redo
        </button>
        <button onClick={() => void runAutoLayout({ track: true })}>
          <ToolIcon name="Auto layout" />
          Auto layout
        </button>
      </div>
      <div className="group">
        <button data-testid="add-image-input" onClick={() => addInput("WorkflowImage")}>
          <ToolIcon name="Image input" />+ Image input
        </button>
        <button data-testid="add-parameter" onClick={() => addInput("WorkflowParameter")}>
          <ToolIcon name="Parameter" />+ Parameter
        </button>
        <button data-testid="add-output" onClick={() => addOutput()}>
          <ToolIcon name="Output" />+ Output
        </button>
      </div>
      <div className="group end">
        <button onClick={() => show({ type: "shortcuts" })} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          ?
        </button>
        <Session />
      </div>
    </div>
  );
}
