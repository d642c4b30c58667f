import { useEffect, useRef } from "react";
import { onSessionEnd } from "../auth/session";
import { monaco } from "./setup";

/** The models of open files, kept across tab switches so undo history survives. */
const models = new Map<string, monaco.editor.ITextModel>();

function modelFor(path: string, text: string, plain: boolean) {
  let model = models.get(path);
  if (!model || model.isDisposed()) {
    // The URI's extension picks the language, as in VS Code.
    const uri = monaco.Uri.file(`/${path}`);
    model =
      monaco.editor.getModel(uri) ??
      monaco.editor.createModel(text, plain ? "plaintext" : undefined, uri);
    models.set(path, model);
  }
  if (model.getValue() !== text) model.setValue(text);
  return model;
}

export function disposeModel(path: string) {
  models.get(path)?.dispose();
  models.delete(path);
}

// The signed-out user's files (text and undo history) leave memory with their session.
// (An editor still showing one lets go of it; the diff view's own models go when it unmounts.)
onSessionEnd(() => {
  models.clear();
  for (const model of monaco.editor.getModels()) {
    if (model.uri.scheme === "file") model.dispose();
  }
});

export interface EditorProps {
  path: string;
  text: string;
  plain: boolean;
  readOnly: boolean;
  onChange: (text: string) => void;
}

/** The code editor for one file. */
export default function MonacoHost({ path, text, plain, readOnly, onChange }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const change = useRef(onChange);
  change.current = onChange;

  useEffect(() => {
    const instance = monaco.editor.create(host.current!, {
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      theme: "vs-dark",
    });
    editor.current = instance;
    const sub = instance.onDidChangeModelContent(() => change.current(instance.getValue()));
    return () => {
      sub.dispose();
      instance.dispose();
    };
  }, []);

  useEffect(() => {
    const instance = editor.current!;
    const model = modelFor(path, text, plain);
    if (instance.getModel() !== model) instance.setModel(model);
    instance.updateOptions({ readOnly });
  }, [path, text, plain, readOnly]);

  return <div className="monaco" ref={host} data-testid="editor" />;
}

export interface DiffProps {
  original: string;
  modified: string;
  path: string;
  onModifiedChange?: (text: string) => void;
}

/**
 * Two versions side by side (conflicts, proposed changes). The editor lives as long as the path;
 * new texts are put into its models, so the user's edits on the right (fed back as `modified`)
 * keep the cursor and undo history.
 */
export function DiffHost({ original, modified, path, onModifiedChange }: DiffProps) {
  const host = useRef<HTMLDivElement>(null);
  const sides = useRef<{ left: monaco.editor.ITextModel; right: monaco.editor.ITextModel }>(null);
  const filling = useRef(false);
  const change = useRef(onModifiedChange);
  change.current = onModifiedChange;
  useEffect(() => {
    const diff = monaco.editor.createDiffEditor(host.current!, {
      automaticLayout: true,
      theme: "vs-dark",
      renderSideBySide: true,
      originalEditable: false,
    });
    const language = monaco.editor.getModel(monaco.Uri.file(`/${path}`))?.getLanguageId();
    const left = monaco.editor.createModel("", language);
    const right = monaco.editor.createModel("", language);
    diff.setModel({ original: left, modified: right });
    sides.current = { left, right };
    const sub = right.onDidChangeContent(() => {
      if (!filling.current) change.current?.(right.getValue());
    });
    return () => {
      sub.dispose();
      diff.dispose();
      left.dispose();
      right.dispose();
      sides.current = null;
    };
  }, [path]);
  useEffect(() => {
    const { left, right } = sides.current!;
    filling.current = true; // our own text, not the user's edit
    if (left.getValue() !== original) left.setValue(original);
    if (right.getValue() !== modified) right.setValue(modified);
    filling.current = false;
  }, [original, modified, path]);
  return <div className="monaco diff" ref={host} data-testid="diff" />;
}
