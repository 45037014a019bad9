// A button that opens the browser's file chooser: the chosen file is handed on, and the hidden input is
// emptied so that choosing the same file again still counts.

import { useRef, type ReactNode } from "react";

export function FilePickerButton({
  children,
  accept,
  onFile,
  inputLabel,
  inputTestId,
}: {
  children: ReactNode;
  accept: string;
  onFile: (file: File) => void;
  inputLabel?: string;
  inputTestId?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        aria-label={inputLabel}
        data-testid={inputTestId}
        onChange={(e) => {
          const chosen = e.target.files?.[0];
          e.target.value = "";
          if (chosen) onFile(chosen);
        }}
      />
    </>
  );
}
