// "Copy with setup": beside each Python block's Copy button, a second one that
// copies the block preceded by the earlier code of its session that it needs, so
// that what is copied runs alone in a fresh Python. The build computes that code
// (book/setup_text.py) and writes it beside the page as JSON (this script's
// data-gb-snippets), keyed by the session and place of the block, as the live pages
// mark each block (<div class="gb-live" data-gb-session data-gb-index data-gb-code>).
// It is fetched when the reader first points at, focuses or presses one of the
// buttons, not with the page. A block the reader has edited is copied as edited,
// after the same setup.
const script = document.querySelector("script[data-gb-snippets]");
const DATA = script ? new URL(script.dataset.gbSnippets, location.href) : null;
let setup = null; // a promise of {key: setup text}, once asked for

function loadSetup() {
  if (!setup) {
    setup = DATA
      ? fetch(DATA).then((r) => {
          if (!r.ok) throw new Error(`HTTP ${r.status}`);
          return r.json();
        })
      : Promise.resolve({});
    setup.catch(() => {
      setup = null; // the next use tries again
    });
  }
  return setup;
}
// No "run" in it: the live blocks' buttons are found by their names ("Run block 4"), by tests and by readers.
const LABEL = "Copy with setup: this block and the code above it that it needs, to paste on its own";
// Material's copy icon with a plus: the same look as the Copy button beside it.
const ICON =
  "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Cpath d='M19 21H8V7h11m0-2H8" +
  "a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2m-3-4H4a2 2 0 0 0-2 2v14h2V3h12V1zm-3.5 9h2v3h3v2h-3" +
  "v3h-2v-3h-3v-2h3z'/%3E%3C/svg%3E\")";

const style = document.createElement("style");
style.textContent = `.md-code__button.gb-copy-setup::after { -webkit-mask-image: ${ICON}; mask-image: ${ICON}; }
.gb-copy-setup[data-gb-copied]::after { background-color: var(--md-accent-fg-color); }
.gb-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }`;
document.head.append(style);

const status = document.createElement("div");
status.setAttribute("role", "status");
status.className = "gb-visually-hidden";
document.body.append(status);

function currentCode(el, code) {
  const original = el.dataset.gbCode || "";
  const now = code.innerText.replace(/\n+$/, "");
  return now === original.replace(/\n+$/, "") ? original : now;
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not a secure context (a plain http:// host): the older way.
    const area = document.createElement("textarea");
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }
}

function addButton(el) {
  const pre = el.querySelector(":scope > .highlight pre");
  const code = pre && pre.querySelector(":scope > code");
  if (!code) return;
  const key = el.dataset.gbSession ? `${el.dataset.gbSession}\u0000${el.dataset.gbIndex}` : null;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "md-code__button gb-copy-setup";
  button.title = LABEL;
  button.setAttribute("aria-label", LABEL);
  // Fetched as the reader reaches for the button, so that it is there by the click.
  button.addEventListener("pointerenter", () => loadSetup().catch(() => {}), { once: true });
  button.addEventListener("focus", () => loadSetup().catch(() => {}), { once: true });
  button.addEventListener("click", async () => {
    let prefix = "";
    try {
      prefix = key ? (await loadSetup())[key] || "" : "";
    } catch {
      status.textContent = "Could not copy: the code this block needs did not load. Try again.";
      return;
    }
    const ok = await copy(prefix + currentCode(el, code));
    status.textContent = ok ? "Copied, with the code it needs" : "Could not copy";
    button.dataset.gbCopied = "";
    setTimeout(() => delete button.dataset.gbCopied, 1500);
  });
  // Material adds its Copy button (in nav.md-code__nav) with its own script: go beside it once it is there.
  const place = () => {
    const nav = pre.querySelector(":scope > nav.md-code__nav");
    if (!nav) return false;
    nav.append(button);
    return true;
  };
  if (!place()) {
    const watch = new MutationObserver(() => place() && watch.disconnect());
    watch.observe(pre, { childList: true });
  }
}

for (const el of document.querySelectorAll(".gb-live")) addButton(el);
