import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./Markdown";
import { parseMarkdown } from "./markdown";

// Payloads from the usual XSS cheat sheets, as a model (or a prompt injection) might emit them.
const XSS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<svg onload=alert(1)>",
  "<iframe src=javascript:alert(1)>",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[click](vbscript:msgbox(1))",
  '[x](https://ok.example" onmouseover="alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  "**<script>alert(1)</script>**",
  "`<script>alert(1)</script>`",
  "```html\n<script>alert(1)</script>\n```",
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
];

const ALLOWED = [
  "div",
  "p",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "blockquote",
  "pre",
  "code",
  "strong",
  "em",
  "a",
  "span",
  "button",
];

describe("Markdown rendering", () => {
  it.each(XSS)("never produces markup or script from %s", (payload) => {
    // Parse what React produced and inspect the real elements and attributes.
    const root = document.createElement("div");
    root.innerHTML = renderToStaticMarkup(<Markdown text={payload} />);
    for (const el of root.querySelectorAll("*")) {
      expect(ALLOWED).toContain(el.tagName.toLowerCase());
      for (const attr of el.attributes) {
        expect(attr.name).not.toMatch(/^on/i);
        if (attr.name === "href") expect(attr.value).toMatch(/^https?:\/\//);
        expect(["class", "href", "target", "rel", "type"]).toContain(attr.name);
      }
    }
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

  it("treats an unclosed fence of a streaming answer as code to the end", () => {
    const blocks = parseMarkdown("Here:\n```py\nprint(1)\nprint(2");
    expect(blocks[1]).toEqual({ kind: "code", lang: "py", text: "print(1)\nprint(2", open: true });
  });
});
