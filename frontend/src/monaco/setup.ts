// Monaco and its workers, bundled (no CDN at run time). Imported only by the lazy editor chunk.
import * as monaco from "monaco-editor";
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker?worker";
import CssWorker from "monaco-editor/esm/vs/language/css/css.worker?worker";
import HtmlWorker from "monaco-editor/esm/vs/language/html/html.worker?worker";
import JsonWorker from "monaco-editor/esm/vs/language/json/json.worker?worker";
import TsWorker from "monaco-editor/esm/vs/language/typescript/ts.worker?worker";
import { monacoTheme, themeStore } from "../ui/theme";

self.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    if (label === "json") return new JsonWorker();
    if (label === "css" || label === "scss" || label === "less") return new CssWorker();
    if (label === "html" || label === "handlebars" || label === "razor") return new HtmlWorker();
    if (label === "typescript" || label === "javascript") return new TsWorker();
    return new EditorWorker();
  },
};

// Editors and diff editors follow the app's theme, also when it changes while they are open
// (Monaco's theme is global: one call restyles every editor).
const applyTheme = () => monaco.editor.setTheme(monacoTheme(themeStore.get().theme));
applyTheme();
themeStore.subscribe(applyTheme);

export { monaco };
