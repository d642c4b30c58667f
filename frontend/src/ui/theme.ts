import { createStore } from "../store";

/** What the user chose: follow the OS, or one theme always. */
export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

const KEY = "aicoder.theme";
const dark = () => window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;

function load(): ThemeChoice {
  const saved = localStorage.getItem(KEY);
  return saved === "light" || saved === "dark" ? saved : "system";
}

const resolve = (choice: ThemeChoice): Theme =>
  choice === "system" ? (dark() ? "dark" : "light") : choice;

/** The theme in use; the page's colours follow `data-theme` on <html>, Monaco follows the store. */
export const themeStore = createStore(
  (() => {
    const choice = load();
    return { choice, theme: resolve(choice) };
  })(),
);

function apply() {
  document.documentElement.dataset.theme = themeStore.get().theme;
  document.documentElement.style.colorScheme = themeStore.get().theme;
}
apply();
themeStore.subscribe(apply);
window
  .matchMedia?.("(prefers-color-scheme: dark)")
  .addEventListener?.("change", () =>
    themeStore.set((s) => (s.choice === "system" ? { ...s, theme: resolve("system") } : s)),
  );

export function setTheme(choice: ThemeChoice) {
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  themeStore.set(() => ({ choice, theme: resolve(choice) }));
}

/** system → light → dark → system. */
export function cycleTheme() {
  const order: ThemeChoice[] = ["system", "light", "dark"];
  setTheme(order[(order.indexOf(themeStore.get().choice) + 1) % order.length]);
}

/** Monaco's built-in theme for the page's theme. */
export const monacoTheme = (theme: Theme) => (theme === "dark" ? "vs-dark" : "vs");
