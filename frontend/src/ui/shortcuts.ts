/** Every keyboard shortcut the app has, as the help overlay lists them ("Mod" is Ctrl, or ⌘ on a Mac). */
export const SHORTCUTS: { keys: string; what: string; where: string }[] = [
  { keys: "Mod+P", what: "Go to a file (quick open)", where: "Anywhere" },
  { keys: "Mod+Shift+F", what: "Search in the workspace's files", where: "Anywhere" },
  { keys: "Mod+Shift+E", what: "Show the file explorer", where: "Anywhere" },
  { keys: "Mod+Shift+L", what: "Write to the assistant", where: "Anywhere" },
  {
    keys: "Mod+S",
    what: "Save all changed files now (they also save on their own)",
    where: "Anywhere",
  },
  { keys: "F1 or Shift+?", what: "This list", where: "Outside a text field" },
  { keys: "Escape", what: "Close a dialog or list", where: "Dialogs" },
  { keys: "↑ ↓ Enter", what: "Move and open", where: "Explorer, quick open, lists" },
  { keys: "→ ←", what: "Expand or collapse a folder", where: "Explorer" },
  { keys: "F2", what: "Rename the selected file or folder", where: "Explorer" },
  { keys: "Delete", what: "Delete the selected file or folder", where: "Explorer" },
  { keys: "Enter", what: "Send the message", where: "Message box" },
  { keys: "Shift+Enter", what: "New line in the message", where: "Message box" },
  { keys: "@path", what: "Attach a file to the message", where: "Message box" },
];

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform);

/** "Mod+P" as this platform writes it. */
export const keyLabel = (keys: string) => keys.replace(/Mod/g, isMac() ? "⌘" : "Ctrl");
