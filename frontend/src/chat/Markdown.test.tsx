import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadMarkdown, Markdown } from "./Markdown";
import { splitBlocks } from "./markdown";

// Payloads from the usual XSS cheat sheets, as a model (or a prompt injection) might emit them.
const XSS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<svg onload=alert(1)>",
  "<iframe src=javascript:alert(1)>",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click]( javascript:alert(1) )",
  "[click](<javascript:alert(1)>)",
  "[click](&#106;avascript:alert(1))",
  "[click](&#x6A;avascript&colon;alert(1))",
  "[click](java%0ascript:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[click](vbscript:msgbox(1))",
  '[x](https://ok.example" onmouseover="alert(1))',
  '[x](https://ok.example "title" onmouseover=alert(1))',
  "[x][ref]\n\n[ref]: javascript:alert(1)",
  "<javascript:alert(1)>",
  '<https://ok.example/" onmouseover="alert(1)>',
  "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
  "![x](javascript:alert(1))",
  "![x](https://evil.example/track.png)",
  "[![x](https://evil.example/a.png)](javascript:alert(1))",
  '<a href="javascript:alert(1)">x</a>',
  "**<script>alert(1)</script>**",
  "~~<script>alert(1)</script>~~",
  "`<script>alert(1)</script>`",
  "```html\n<script>alert(1)</script>\n```",
  '```"><img src=x onerror=alert(1)>\nx\n```',
  "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <script>alert(1)</script> |",
  "| <b onmouseover=alert(1)>a</b> |\n|:-:|\n| [x](javascript:alert(1)) |",
  "- [ ] <img src=x onerror=alert(1)>\n- [x] [y](javascript:alert(1))",
  "www.example.com/<script>alert(1)</script>",
  "<body onload=alert(1)>",
  "<details open ontoggle=alert(1)>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<style>@import 'http://evil/x.css'</style>",
  "<object data=javascript:alert(1)>",
  "<embed src=javascript:alert(1)>",
  "<form action=javascript:alert(1)><input type=submit>",
  "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
  "<base href=javascript:alert(1)//>",
  "# <img src=x onerror=alert(1)>",
  "- <script>alert(1)</script>",
  "> <iframe srcdoc='<script>alert(1)</script>'>",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "<scr<script>ipt>alert(1)</script>",
  "\u003cscript\u003ealert(1)\u003c/script\u003e",
  "Text[^1]\n\n[^1]: <script>alert(1)</script>",
];

const ALLOWED_TAGS = [
  ...["div", "p", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "hr"],
  ...["strong", "em", "del", "a", "span", "button", "input", "br"],
  ...["table", "thead", "tbody", "tr", "th", "td"],
];
const ALLOWED_ATTRIBUTES = [
  ...["class", "href", "target", "rel", "type", "checked", "disabled", "aria-label"],
  ...["tabindex", "role", "readonly", "style", "start"],
];

/** Every element and attribute React produced for the text, as the browser would parse them. */
function elements(text: string): Element[] {
  const root = document.createElement("div");
  root.innerHTML = renderToStaticMarkup(<Markdown text={text} actions={[COPY]} />);
  return [...root.querySelectorAll("*")];
}

const COPY = { label: "Copy", run: () => {} };

beforeAll(async () => {
  await loadMarkdown();
});
afterEach(cleanup);

describe("Markdown rendering", () => {
  it.each(XSS)("never produces markup, script or an unsafe URL from %s", (payload) => {
    for (const el of elements(payload)) {
      expect(ALLOWED_TAGS).toContain(el.tagName.toLowerCase());
      for (const attr of el.attributes) {
        expect(ALLOWED_ATTRIBUTES).toContain(attr.name);
        if (attr.name === "href") {
          // http(s), mailto or a relative address, nothing with another scheme.
          expect(attr.value).toMatch(/^(https?:\/\/|mailto:|[^:]*$|[^:]*[/?#])/i);
          expect(attr.value).not.toMatch(/^\s*(javascript|data|vbscript)/i);
          expect(el.getAttribute("target")).toBe("_blank");
          expect(el.getAttribute("rel")).toContain("noopener");
        }
        if (attr.name === "style") expect(attr.value).toMatch(/^text-align:\s*\w+;?$/);
      }
    }
  });

  it("shows raw HTML as text and never loads an image", () => {
    render(
      <Markdown
        text={'<img src=x onerror=alert(1)> and ![a cat](https://img.example/c.png "t")'}
      />,
    );
    expect(document.querySelector("img")).toBeNull();
    expect(screen.getByText(/<img src=x onerror=alert\(1\)>/)).toBeTruthy();
    const link = screen.getByRole("link", { name: "a cat" });
    expect(link.getAttribute("href")).toBe("https://img.example/c.png");
  });

  it("renders an unsafe link as its text", () => {
    render(
      <Markdown text="[click me](javascript:alert(1)) and ![pic](data:image/png;base64,AA)" />,
    );
    expect(screen.queryByRole("link")).toBeNull();
    expect(screen.getByText("click me").tagName).toBe("SPAN");
    expect(screen.getByText("pic").tagName).toBe("SPAN");
  });

  it("renders the usual constructs", () => {
    const html = renderToStaticMarkup(
      <Markdown
        text={
          "# Title\n\nSome **bold** and *em* with `code` and [a link](https://example.com).\n\n- one\n- two\n\n```ts\nconst x = 1;\n```"
        }
      />,
    );
    expect(html).toContain("<h3>Title</h3>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>em</em>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain("<li>one</li>");
    expect(html).toContain("const x = 1;");
  });

  it("renders GitHub-flavoured tables, nested and task lists, strikethrough and autolinks", () => {
    render(
      <Markdown
        text={[
          "| Name | Size |",
          "|:-----|-----:|",
          "| a.ts | 12 |",
          "| b.ts | 7 |",
          "",
          "- outer",
          "  - inner",
          "    1. deep",
          "- [x] done",
          "- [ ] todo",
          "",
          "~~old~~ new, see www.example.com and https://example.org/x and <mailto:a@b.example>",
        ].join("\n")}
      />,
    );
    const table = screen.getByRole("table");
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual(["Name", "Size"]);
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(within(table).getByText("12").getAttribute("style")).toMatch(/text-align:\s*right/);

    const inner = screen.getByText("inner").closest("li")!;
    expect(inner.parentElement!.closest("li")!.textContent).toContain("outer");
    expect(within(inner).getByText("deep").closest("ol")).toBeTruthy();

    const done = screen.getByRole("checkbox", { name: "Done" }) as HTMLInputElement;
    const todo = screen.getByRole("checkbox", { name: "Not done" }) as HTMLInputElement;
    expect([done.checked, done.disabled, todo.checked, todo.disabled]).toEqual([
      true,
      true,
      false,
      true,
    ]);

    expect(screen.getByText("old").tagName).toBe("DEL");
    const links = screen.getAllByRole("link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual([
      "http://www.example.com",
      "https://example.org/x",
      "mailto:a@b.example",
    ]);
    for (const a of links) {
      expect(a.getAttribute("target")).toBe("_blank");
      expect(a.getAttribute("rel")).toBe("noopener noreferrer nofollow");
    }
  });

  it("treats an unclosed fence of a streaming answer as code to the end, without actions", () => {
    const run = vi.fn();
    const { container, rerender } = render(
      <Markdown text={"Here:\n```py\nprint(1)\nprint(2"} actions={[{ label: "Copy", run }]} />,
    );
    expect(container.querySelector(".code-block pre")!.textContent).toBe("print(1)\nprint(2");
    expect(container.querySelector(".code-bar")!.textContent).toBe("py");
    expect(screen.queryByRole("button", { name: "Copy" })).toBeNull();

    // Inside a list item too.
    rerender(<Markdown text={"- step:\n  ```sh\n  ls -l"} actions={[{ label: "Copy", run }]} />);
    expect(container.querySelector(".code-block pre")!.textContent).toBe("ls -l");
    expect(screen.queryByRole("button", { name: "Copy" })).toBeNull();
  });

  it("runs the latest code action on a finished block", async () => {
    const first = vi.fn();
    const latest = vi.fn();
    const text = "Here:\n\n```ts\nconst x = 1;\n```\n\nDone.";
    const { rerender } = render(
      <Markdown text={text} actions={[{ label: "Apply", run: first }]} />,
    );
    rerender(<Markdown text={text} actions={[{ label: "Apply", run: latest }]} />);
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(first).not.toHaveBeenCalled();
    expect(latest).toHaveBeenCalledWith("const x = 1;", "ts");
  });

  it("renders in near-linear time the inputs that were quadratic", () => {
    // The better of two runs, as other work on the machine may stall one.
    const time = (text: string) =>
      Math.min(
        ...[0, 1].map(() => {
          const start = performance.now();
          renderToStaticMarkup(<Markdown text={text} />);
          return performance.now() - start;
        }),
      );
    const units = ["*", "_", "[", "`", "~", "*a", "a*", "~a", "[a](", "a]", "**a"];
    for (const unit of [...units, "> ", "1. ", "|", "*a\n\n", "a\n"]) {
      const text = (kb: number) => unit.repeat(Math.ceil((kb * 1024) / unit.length));
      // Four times the text may take at most about four times as long (quadratic: sixteen);
      // a ratio rather than a bound in seconds, as the machine running the tests may be busy.
      const small = time(text(50));
      const large = time(text(200));
      expect(
        large,
        `200 KB of ${JSON.stringify(unit)}: ${large} ms, 50 KB: ${small} ms`,
      ).toBeLessThan(8 * small + 250);
    }
  }, 300_000);
});

describe("splitting at top-level blocks", () => {
  const DOCS = [
    "# T\n\npara one\nstill one\n\npara two",
    "- a\n- b\n\n- c\n\n  more c\n\nafter",
    "1. a\n\n2. b\n\n10. c",
    "Intro:\n```ts\nconst a = 1;\n\nconst b = 2;\n```\nafter\n\n~~~\n```\n~~~",
    "> quote\n>\n> more\n\n| a |\n|---|\n| 1 |\n\n    indented code\n\n    more",
    "text [x][r]\n\n[r]: https://example.com",
    "- item\n\n  ```py\n  x = 1\n\n  y = 2\n  ```\n- next",
    "Setext\n===\n\n***\n\n* [ ] task\n\n* [x] task",
  ];

  it.each(DOCS)("renders the pieces as the whole renders: %s", async (doc) => {
    const { Block } = await loadMarkdown();
    const whole = renderToStaticMarkup(<Block text={doc} open={false} />);
    const pieces = renderToStaticMarkup(<Markdown text={doc} />);
    const norm = (html: string) =>
      html.replace(/\n/g, "").replace(/^<div class="markdown">|<\/div>$/g, "");
    // Loose and tight lists differ only in <p> wrappers when split between items; compare text.
    const text = (html: string) => {
      const el = document.createElement("div");
      el.innerHTML = html;
      return el.textContent!.replace(/\s+/g, " ").trim();
    };
    expect(text(norm(pieces))).toBe(text(norm(whole)));
    expect(pieces.match(/<(table|pre|blockquote|ol|ul|li|h\d|hr)\b/g)).toEqual(
      whole.match(/<(table|pre|blockquote|ol|ul|li|h\d|hr)\b/g),
    );
  });

  it("keeps fences, list items and definitions together", () => {
    expect(splitBlocks("a\n\n```\nx\n\ny\n```\nb").map((c) => c.text)).toEqual([
      "a\n\n",
      "```\nx\n\ny\n```\n",
      "b",
    ]);
    const long = "word ".repeat(60);
    expect(splitBlocks(`- ${long}\n\n- b\n\n${long}\n\nc`).map((c) => c.text)).toEqual([
      `- ${long}\n\n- b\n\n`,
      `${long}\n\n`,
      "c",
    ]);
    expect(splitBlocks("[a]\n\n[a]: https://x.example")).toHaveLength(1);
    expect(splitBlocks("a\n\n```py\nx").at(-1)).toEqual({ text: "```py\nx", open: true });
  });
});
