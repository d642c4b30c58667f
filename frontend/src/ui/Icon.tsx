import "@vscode/codicons/dist/codicon.css";

/**
 * An icon of the bundled codicon font (no CDN, no emoji font). Decorative unless `label` is given;
 * a button that shows only an icon carries its own aria-label.
 */
export function Icon({
  name,
  label,
  className,
}: {
  name: string;
  label?: string;
  className?: string;
}) {
  return (
    <span
      className={`codicon codicon-${name}${className ? ` ${className}` : ""}`}
      aria-hidden={label ? undefined : true}
      role={label ? "img" : undefined}
      aria-label={label}
    />
  );
}

/** The codicon for a file, by its name. */
export function fileIcon(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  if (/^(png|jpe?g|gif|svg|webp|ico|bmp)$/.test(ext)) return "file-media";
  if (/^(zip|gz|tgz|tar|jar|7z|rar)$/.test(ext)) return "file-zip";
  if (ext === "pdf") return "file-pdf";
  if (/^(json|ya?ml|toml|ini|xml|properties|env|lock)$/.test(ext)) return "json";
  if (/^(md|markdown|txt|rst|adoc)$/.test(ext)) return "markdown";
  if (/^(sh|bash|zsh|ps1|bat)$/.test(ext)) return "terminal";
  if (
    /^(ts|tsx|js|jsx|mjs|cjs|py|java|kt|go|rs|c|h|cc|cpp|hpp|cs|rb|php|swift|scala|sql|css|scss|html|vue|svelte)$/.test(
      ext,
    )
  )
    return "file-code";
  return "file";
}
