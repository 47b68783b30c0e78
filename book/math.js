// Typeset formulas with KaTeX for book/math.py: reads a JSON list of
// [tex, display, output] triples on stdin, writes a JSON list of {html} or {error}.
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, displayMode, output]) => {
    try {
      return { html: katex.renderToString(tex, { displayMode, throwOnError: true, output }) };
    } catch (e) {
      return { error: String(e.message || e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
