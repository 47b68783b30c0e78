// Exercises that answer: a Check button under the reader's block of each exercise.
//
// book/exercises.py puts <div class="gb-check" data-gb-check="..."> where the
// chapter's <!-- check --> comment was, right after the block the reader
// edits. Check runs that block's session as the reader has it (live.js's
// window.gradbookLive), then the check, in the browser's Python: the check
// never runs on Run, and Run never sees it. The check's helpers (checks.py)
// are fetched on the first Check.
const HERE = new URL("./", import.meta.url);
let prelude = null;

function pyString(text) {
  return JSON.stringify(text); // a JSON string is a Python string literal
}

function program(helpers, check) {
  // In a namespace of its own, so that the check's names never land among the reader's.
  return [
    "def _gb_check(helpers, check):",
    "    g = {'__name__': 'gb_check'}",
    "    exec(helpers, g)",
    "    exec(check, g)",
    "    g['gb_check'](g['check'], globals())",
    `_gb_check(${pyString(helpers)}, ${pyString(check)})`,
    "del _gb_check",
  ].join("\n");
}

function previousLive(el) {
  for (let node = el.previousElementSibling; node; node = node.previousElementSibling) {
    if (node.classList.contains("gb-live")) return node;
  }
  return null;
}

function setUp(el) {
  const target = previousLive(el);
  const bar = document.createElement("div");
  bar.className = "gb-check-bar";
  const verdict = document.createElement("div");
  verdict.className = "gb-check-verdict";
  verdict.setAttribute("role", "status");
  if (!target || target.classList.contains("gb-live-off")) {
    verdict.textContent = "The check of this exercise runs in the chapter's notebook.";
    bar.append(verdict);
    el.append(bar);
    return;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "gb-live-button gb-check-button";
  button.textContent = "Check";
  button.setAttribute("aria-label", "Check your answer in the block above");
  button.title = "Run the block above as you wrote it, then check the answer";
  bar.append(button, verdict);
  el.append(bar);
  button.addEventListener("click", async () => {
    const live = window.gradbookLive;
    if (!live) return;
    button.disabled = true;
    el.dataset.gbState = "running";
    verdict.textContent = "Checking…";
    try {
      prelude ??= fetch(new URL("checks.py", HERE)).then((r) => {
        if (!r.ok) throw new Error(`could not load the checks: HTTP ${r.status}`);
        return r.text();
      });
      // Queued behind a block that runs: live.js says so in that block's status.
      const result = await live.run(target, program(await prelude, el.dataset.gbCheck), { name: "the check" });
      if (result.stopped) {
        verdict.textContent = "Stopped before the check could say anything: press Check again.";
        el.dataset.gbState = "failed";
      } else if (result.error) {
        // The reader's code failed before the check could judge it: the traceback says where.
        verdict.textContent = "Not yet: your code stopped with an error before it could be checked.";
        const pre = document.createElement("pre");
        pre.className = "gb-check-error";
        pre.textContent = result.error;
        verdict.append(pre);
        el.dataset.gbState = "failed";
      } else {
        const said = (result.text || "").trim();
        verdict.textContent = said;
        el.dataset.gbState = said.startsWith("Passed") ? "passed" : "failed";
      }
    } catch (error) {
      prelude = null;
      verdict.textContent = `The check could not run: ${error}`;
      el.dataset.gbState = "failed";
    }
    button.disabled = false;
  });
}

document.querySelectorAll(".gb-check").forEach(setUp);
