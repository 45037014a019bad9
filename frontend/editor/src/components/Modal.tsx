// A modal dialog on the browser's own <dialog>: showModal() traps the focus and makes the page behind
// it inert, Escape closes it (the `cancel` event), and so does a click on the dimmed backdrop.

import { useEffect, useRef, type ReactNode } from "react";

import { useUi } from "../store/ui";

export const closeDialog = () => useUi.getState().show(null);

export function Modal({ title, children, onClose = closeDialog }: { title: string; children: ReactNode; onClose?: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      // A click on the backdrop lands on the <dialog> itself; its content is inside a child.
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div className="dialog-body">
        <h3>{title}</h3>
        {children}
      </div>
    </dialog>
  );
}

// A dialog's row of buttons: its own actions, then Cancel.
export function DialogButtons({ children }: { children: ReactNode }) {
  return (
    <div className="buttons">
      {children}
      <button type="button" onClick={closeDialog}>
        Cancel
      </button>
    </div>
  );
}
