/**
 * The text of each open file. Until an editor first shows a file its text is a string here; from
 * then on the editor's model holds it and this is only a handle, so typing copies nothing: the
 * store learns that the file changed (and whether it is dirty), autosave and drafts read the text
 * when they run. Kept free of Monaco so the IDE store works (and is tested) without the editor chunk.
 */

/** What an editor's model offers (MonacoHost adapts Monaco's ITextModel to it). */
export interface TextModelLike {
  getValue(): string;
  /** Replaces the whole text as one undoable edit; reports the change like the user's typing. */
  replace(text: string): void;
  /** Goes back to an earlier number when undo restores earlier text (an alternative version id). */
  version(): number;
  dispose(): void;
}

interface Buffer {
  text: string;
  /** The version while the text lives here; counts on from it once a model holds the text. */
  version: number;
  model: TextModelLike | null;
  /** Added to the model's version so versions go on from where this buffer's left off. */
  offset: number;
}

const buffers = new Map<string, Buffer>();
let changed: (path: string) => void = () => {};

/** The one listener (the IDE store) told after each change of a file's text. */
export function onBufferChange(listener: (path: string) => void) {
  changed = listener;
}

/** Reported by an editor's model after each change of its content. */
export function bufferChanged(path: string) {
  if (buffers.has(path)) changed(path);
}

export function createBuffer(path: string, text: string) {
  dropBuffer(path);
  buffers.set(path, { text, version: 1, model: null, offset: 0 });
}

export function textOf(path: string): string {
  const b = buffers.get(path);
  return b ? (b.model ? b.model.getValue() : b.text) : "";
}

/** Equal versions mean equal text: a clean file is one whose version is the saved one. */
export function versionOf(path: string): number {
  const b = buffers.get(path);
  return b ? (b.model ? b.offset + b.model.version() : b.version) : -1;
}

/** Sets the whole text, as an edit (undoable in the editor). */
export function setText(path: string, text: string) {
  const b = buffers.get(path);
  if (!b) return;
  if (b.model) {
    b.model.replace(text); // the model reports the change
    return;
  }
  b.text = text;
  b.version++;
  changed(path);
}

/**
 * Hands the file's text to an editor model: `make` gets the text and returns the model. Later
 * reads and writes go to that model until the buffer is dropped or renamed.
 */
export function attachModel(path: string, make: (text: string) => TextModelLike) {
  const b = buffers.get(path);
  if (!b || b.model) return;
  const model = make(b.text);
  b.offset = b.version - model.version();
  b.model = model;
  b.text = "";
}

export function dropBuffer(path: string) {
  buffers.get(path)?.model?.dispose();
  buffers.delete(path);
}

export function dropAllBuffers() {
  for (const path of [...buffers.keys()]) dropBuffer(path);
}

/** A renamed file's text goes back here (its model was made for the old name's language). */
export function renameBuffer(from: string, to: string) {
  const b = buffers.get(from);
  if (!b) return;
  if (b.model) {
    b.text = b.model.getValue();
    b.version = b.offset + b.model.version();
    b.model.dispose();
    b.model = null;
  }
  buffers.delete(from);
  dropBuffer(to);
  buffers.set(to, b);
}
