// Browser end-to-end steps for issue 18's files features; run by ide.e2e.mjs, signed in as the admin.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { crc32, inflateRawSync } from "node:zlib";
import { checkA11y } from "../axe.mjs";

/** A .zip of stored (uncompressed) entries, names as given: enough to send hostile names too. */
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(text);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** The entries of a .zip (name to text), read through its central directory. */
function unzip(buffer) {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const skip = buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString("utf8", at + 46, at + 46 + nameLength);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    out[name] = (method === 8 ? inflateRawSync(data) : data).toString("utf8");
    at += 46 + nameLength + skip;
  }
  return out;
}

/** @param {import("./context.mjs").StepContext} ctx */
export async function filesSteps(ctx) {
  const { page, base, token, workspaceId, step, shot } = ctx;
  const api = (path) =>
    fetch(`${base}/api/workspaces/${workspaceId}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  const serverText = async (path) => {
    const response = await api(`/file?path=${encodeURIComponent(path)}`);
    if (!response.ok) throw new Error(`${path} on the server: HTTP ${response.status}`);
    return response.text();
  };
  const tree = page.getByRole("tree", { name: "Workspace files" });
  const item = (name) => tree.getByRole("treeitem", { name, exact: true });
  const selectRoot = async () => {
    await item("hello.py").click(); // a file at the top: new things go to the workspace's root
  };

  await step("files: upload a folder through the folder picker", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "aicoder-e2e-upload-"));
    try {
      const files = {
        "proj/README.md": "# Uploaded\n",
        "proj/src/main.py": "print('uploaded')\n",
        "proj/src/util/strings.py": "def shout(s):\n    return s.upper()\n",
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(scratch, path)), { recursive: true });
        writeFileSync(join(scratch, path), text);
      }
      await selectRoot();
      await page.getByLabel("Folder to upload").setInputFiles(join(scratch, "proj"));
      const report = page.locator(".transfer-report");
      await report.getByText("3 files written to the workspace.").waitFor();
      await item("proj").waitFor();
      await item("proj").click();
      await item("src").click();
      await item("util").waitFor();
      for (const [path, text] of Object.entries(files))
        if ((await serverText(path)) !== text) throw new Error(`${path} differs on the server`);
      const size = page.viewportSize();
      await page.setViewportSize({ width: 1280, height: 800 });
      try {
        await checkA11y(page, "explorer after an upload");
        await shot("files-uploaded-folder-1280");
      } finally {
        if (size) await page.setViewportSize(size);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  await step("files: import a .zip; a hostile entry is refused and reported", async () => {
    await selectRoot();
    await page.getByLabel("Archive to import").setInputFiles({
      name: "library.zip",
      mimeType: "application/zip",
      buffer: zip({
        "lib/": "",
        "lib/colors.py": "RED = '#f00'\n",
        "../escape.txt": "I should not get out",
        "lib/notes.md": "notes\n",
      }),
    });
    const report = page.getByRole("alert").filter({ hasText: "refused" });
    await report.getByText("2 files written to the workspace, 1 refused.").waitFor();
    const refused = report.getByRole("list", { name: "Refused entries" });
    await refused.getByText("../escape.txt").waitFor();
    await refused.getByText("'..' path segments are refused", { exact: false }).waitFor();
    await item("lib").waitFor();
    if ((await serverText("lib/colors.py")) !== "RED = '#f00'\n")
      throw new Error("lib/colors.py differs on the server");
    await checkA11y(page, "explorer with refused entries");
    await shot("files-import-refused");
    // The same screen in the dark theme (it follows the OS unless chosen) and on a larger screen.
    const size = page.viewportSize();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.setViewportSize({ width: 1920, height: 1080 });
    try {
      await checkA11y(page, "explorer with refused entries, dark");
      await shot("files-import-refused-dark-1920");
    } finally {
      await page.emulateMedia({ colorScheme: null });
      if (size) await page.setViewportSize(size);
    }
  });

  await step("files: download the workspace as a .zip and find every file in it", async () => {
    await selectRoot();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download the workspace as .zip" }).click(),
    ]);
    if (!/^[A-Za-z0-9._-]+\.zip$/.test(download.suggestedFilename()))
      throw new Error(`odd file name ${download.suggestedFilename()}`);
    const path = join(ctx.artifacts, "files-workspace.zip");
    await download.saveAs(path);
    const entries = unzip(readFileSync(path));
    const expected = {
      "proj/src/main.py": "print('uploaded')\n",
      "proj/src/util/strings.py": "def shout(s):\n    return s.upper()\n",
      "lib/colors.py": "RED = '#f00'\n",
    };
    for (const [name, text] of Object.entries(expected))
      if (entries[name] !== text) throw new Error(`${name} missing or wrong in the download`);
    if (!("hello.py" in entries)) throw new Error("hello.py missing from the download");
    if (Object.keys(entries).some((n) => n.includes("escape")))
      throw new Error("a refused entry is in the workspace");
    rmSync(path, { force: true });
  });

  await step("files: rename inline and delete through the dialog", async () => {
    await item("lib").click();
    await item("notes.md").click();
    await tree.press("F2");
    const input = page.getByRole("textbox", { name: "New name of lib/notes.md" });
    await input.waitFor();
    await shot("files-rename-inline");
    await input.fill("NOTES.md");
    await input.press("Enter");
    await item("NOTES.md").waitFor();
    await tree.press("Delete"); // the renamed entry stays selected
    const dialog = page.getByRole("dialog", { name: "Delete" });
    await dialog.getByText("lib/NOTES.md").waitFor();
    await checkA11y(page, "delete dialog");
    await shot("files-delete-dialog");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await item("NOTES.md").waitFor({ state: "detached" });
    if ((await api("/file?path=lib%2FNOTES.md")).status !== 404)
      throw new Error("lib/NOTES.md is still on the server");
  });
}
