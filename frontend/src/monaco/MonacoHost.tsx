import { useEffect, useEffectEvent, useRef } from "react";
import { onSessionEnd } from "../auth/session";
import { attachModel, bufferChanged } from "../ide/buffers";
import { editorStatus, noEditor } from "../ide/editorStatus";
import { monaco } from "./setup";

/**
 * The models of open files: each holds its file's text (the buffer hands its text over when the
 * file is first shown) and undo history, across tab switches, until the tab closes.
 */
const models = new Map<string, monaco.editor.ITextModel>();

function modelFor(path: string, plain: boolean): monaco.editor.ITextModel {
  const existing = models.get(path);
  if (existing && !existing.isDisposed()) return existing;
  // The URI's extension picks the language, as in VS Code.
  const uri = monaco.Uri.file(`/${path}`);
  monaco.editor.getModel(uri)?.dispose(); // left by a buffer that is gone
  let made: monaco.editor.ITextModel | undefined;
  attachModel(path, (text) => {
    const model = monaco.editor.createModel(text, plain ? "plaintext" : undefined, uri);
    const sub = model.onDidChangeContent(() => bufferChanged(path));
    made = model;
    return {
      getValue: () => (model.isDisposed() ? "" : model.getValue()),
      replace: (next) =>
        model.pushEditOperations(
          [],
          [{ range: model.getFullModelRange(), text: next }],
          () => null,
        ),
      version: () => model.getAlternativeVersionId(),
      dispose: () => {
        sub.dispose();
        model.dispose();
        if (models.get(path) === model) models.delete(path);
      },
    };
  });
  // Not an open file's (no buffer): an empty model of its own, dropped with the session.
  made ??= monaco.editor.createModel("", plain ? "plaintext" : undefined, uri);
  models.set(path, made);
  return made;
}

// The signed-out user's files (text and undo history) leave memory with their session. The IDE
// store drops the buffers (and so their models) first; this catches any model left over.
onSessionEnd(() => {
  models.clear();
  for (const model of monaco.editor.getModels()) {
    if (model.uri.scheme === "file") model.dispose();
  }
});

export interface EditorProps {
  path: string;
  plain: boolean;
  readOnly: boolean;
  /** A line to show and select once (then onRevealed). */
  reveal?: number;
  onRevealed?: () => void;
}

function reportStatus(instance: monaco.editor.ICodeEditor, path: string) {
  const model = instance.getModel();
  const position = instance.getPosition();
  if (!model || !position) return;
  const selectionLength = (instance.getSelections() ?? []).reduce(
    (n, s) => n + model.getValueLengthInRange(s),
    0,
  );
  editorStatus.set(() => ({
    path,
    line: position.lineNumber,
    column: position.column,
    language: model.getLanguageId(),
    selectionLength,
  }));
}

/** The code editor for one file; the file's model holds its text. */
export default function MonacoHost({ path, plain, readOnly, reveal, onRevealed }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const status = useEffectEvent(() => {
    if (editor.current) reportStatus(editor.current, path);
  });

  useEffect(() => {
    const instance = monaco.editor.create(host.current!, {
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
    });
    editor.current = instance;
    const subs = [
      instance.onDidChangeCursorSelection(() => status()),
      instance.onDidChangeModel(() => status()),
    ];
    return () => {
      subs.forEach((s) => s.dispose());
      instance.dispose();
      editor.current = null;
      editorStatus.set(() => noEditor);
    };
  }, []);

  useEffect(() => {
    const instance = editor.current!;
    const model = modelFor(path, plain);
    if (instance.getModel() !== model) instance.setModel(model);
    instance.updateOptions({ readOnly });
  }, [path, plain, readOnly]);

  const revealed = useEffectEvent(() => onRevealed?.());
  useEffect(() => {
    const instance = editor.current!;
    const model = instance.getModel();
    if (!reveal || !model) return;
    const line = Math.min(Math.max(1, reveal), model.getLineCount());
    instance.setSelection(new monaco.Range(line, 1, line, model.getLineMaxColumn(line)));
    instance.revealLineInCenter(line);
    instance.focus();
    revealed();
  }, [reveal, path]);

  return <div className="monaco" ref={host} data-testid="editor" />;
}

export interface DiffProps {
  path: string;
  plain: boolean;
  /**
   * conflict: the server's text (left, read-only) next to the file's own model (right), where the
   * user merges. proposal: the file (left) next to the proposed text (right, read-only).
   */
  kind: "conflict" | "proposal";
  other: string;
}

/**
 * Two versions side by side. The file's side is the file's model itself, so edits made there are
 * the file's edits (undo history, drafts, saving) and survive switching tabs.
 */
export function DiffHost({ path, plain, kind, other }: DiffProps) {
  const host = useRef<HTMLDivElement>(null);
  const temp = useRef<monaco.editor.ITextModel | null>(null);
  useEffect(() => {
    const file = modelFor(path, plain);
    const diff = monaco.editor.createDiffEditor(host.current!, {
      automaticLayout: true,
      renderSideBySide: true,
      // The bar above says which side is which; a narrow pane must not switch to the inline view.
      useInlineViewWhenSpaceIsLimited: false,
      originalEditable: false,
      readOnly: kind === "proposal",
    });
    const side = monaco.editor.createModel("", file.getLanguageId());
    temp.current = side;
    diff.setModel(
      kind === "conflict" ? { original: side, modified: file } : { original: file, modified: side },
    );
    return () => {
      diff.dispose();
      side.dispose();
      temp.current = null;
    };
  }, [path, plain, kind]);
  useEffect(() => {
    const side = temp.current!;
    if (side.getValue() !== other) side.setValue(other);
  }, [other, path, plain, kind]);
  return <div className="monaco diff" ref={host} data-testid="diff" />;
}

/**
 * The chunk's one entry: the editor or a diff view. One lazy component for both, so leaving the
 * conflict or proposal view does not suspend again on a second lazy wrapper ("Loading editor…").
 */
export type HostProps = ({ view: "editor" } & EditorProps) | ({ view: "diff" } & DiffProps);

export function Host(props: HostProps) {
  return props.view === "editor" ? <MonacoHost {...props} /> : <DiffHost {...props} />;
}
