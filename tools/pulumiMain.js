// What `pulumi up` and `pulumi preview` run: package.json's "main" (Pulumi.yaml sets no `main`, so
// the Node language host takes the package's, pulumi/pulumi sdk/nodejs/cmd/run/run.ts) and
// `typescript: false` in Pulumi.yaml, so that the host registers no ts-node. index.ts runs from the
// bundle tools/launch.js keeps in .build/, built at the first run after a change. The host calls
// an exported function and awaits it (run.ts: `programExport instanceof Function`).
"use strict";
const { compiled } = require("./launch");

module.exports = async () => require(await compiled("index.ts"))();
