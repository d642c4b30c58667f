import { createStore } from "../store";

/** Where the cursor is in the editor shown, for the status bar; `path` null when none is shown. */
export interface EditorStatus {
  path: string | null;
  /** 1-based, as editors show them. */
  line: number;
  column: number;
  /** Monaco's language id ("python", "plaintext"...). */
  language: string;
  /** Characters selected (all selections together); 0 for a bare cursor. */
  selectionLength: number;
}

export const noEditor: EditorStatus = {
  path: null,
  line: 1,
  column: 1,
  language: "",
  selectionLength: 0,
};

/** Updated by the editor on each cursor move; components select the field they show. */
export const editorStatus = createStore<EditorStatus>(noEditor);
