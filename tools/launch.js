// Runs a TypeScript entry point (tools/plan.ts, bench/…, index.ts under `pulumi up`) from one
// esbuild bundle cached in .build/, rebuilt only when a source it was built from changed. A cold
// `npm run plan` then loads one JavaScript file instead of transpiling ~150 .ts files through a
// loader hook, and runs without source maps, which made every stack the SDK captures per resource
// (@pulumi/pulumi resource.js `Resource.sourcePosition`, `debuggablePromise`) map each frame.
//
// usage: node tools/launch.js <entry.ts> [args...]   (what `npm run plan`/`bench`/`canary:gate` do)
//
// Plain CommonJS so that it needs no loader. The bundles sit one level under the root, as tools/
// does, so that `__dirname`-relative paths of the sources (tools/stackConfig.ts ROOT,
// tools/policies.ts) point where they do in the sources.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { isBuiltin } = require("node:module");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, ".build");

// V8's code cache for every module loaded after this (the SDKs included): a warm start deserializes
// bytecode instead of compiling ~1,000 files (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir).
require("node:module").enableCompileCache(path.join(OUT, "v8-cache"));

/** A file's size and modification time, "-" when it does not exist: what says it changed. */
function stamp(file) {
    try {
        const s = fs.statSync(path.join(ROOT, file));
        return `${s.size}:${s.mtimeMs}`;
    } catch {
        return "-";
    }
}

/**
 * Everything besides the sources that decides what a bundle contains: where the checkout is, the
 * bundler and Node, this file (the build options), the lock files (where packages resolve) and the tsconfig.
 */
function buildKey() {
    // ROOT too: packages are resolved to absolute paths at build time, so a moved checkout rebuilds.
    return [ROOT, process.version, require("esbuild/package.json").version, ...["tools/launch.js", "package-lock.json", "policy/package-lock.json", "tsconfig.json"].map(stamp)].join("|");
}

function bundlePath(entry) {
    const relative = path.relative(ROOT, path.resolve(entry));
    return path.join(OUT, relative.replace(/\.ts$/, "").replace(/[\\/]/g, "__") + ".js");
}

/** The bundle when every input it was built from is as it was then. */
function freshBundle(bundle) {
    let meta;
    try {
        meta = JSON.parse(fs.readFileSync(`${bundle}.inputs.json`, "utf8"));
    } catch {
        return false;
    }
    if (meta.key !== buildKey() || !fs.existsSync(bundle)) return false;
    // A recorded stamp is never "-": every input existed when the bundle was built.
    return Object.entries(meta.inputs).every(([file, recorded]) => stamp(file) === recorded);
}

/**
 * The schema models of tools/manifests.ts: ESM-only packages of plain data and validators, which
 * Node would otherwise resolve and load through its ESM loader at every plan (~170 ms of a cold
 * plan; bundled, ~40 ms). Nothing else shares their classes, so a copy in the bundle is safe.
 */
const BUNDLED_PACKAGES = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

/**
 * Other packages stay outside the bundle, resolved at build time from the importing file as Node
 * would (so policy/ gets policy/node_modules' @pulumi/policy, whose classes its policies must
 * share), and required by absolute path at run time.
 */
const resolvePackages = {
    name: "resolve-packages",
    setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (isBuiltin(args.path)) return { path: args.path, external: true };
            if (BUNDLED_PACKAGES.test(args.path)) return undefined;
            return { path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true };
        });
    },
};

/**
 * In a bundle every file shares the bundle's `module`, so an imported file's
 * `if (require.main === module)` (tools/plan.ts, tools/canaryGate.ts, this file) would run its
 * command too: outside the entry point it reads `false`.
 */
function mainOnlyInEntry(entry) {
    return {
        name: "main-only-in-entry",
        setup(build) {
            build.onLoad({ filter: /\.[jt]s$/ }, (args) => {
                const source = fs.readFileSync(args.path, "utf8");
                return { contents: args.path === entry ? source : source.replaceAll("require.main === module", "false"), loader: args.path.endsWith(".ts") ? "ts" : "js" };
            });
        },
    };
}

async function build(entry, bundle) {
    const esbuild = require("esbuild");
    const result = await esbuild.build({
        entryPoints: [entry],
        outfile: `${bundle}.${process.pid}.tmp`,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        // No source map: the stacks the SDK captures stay cheap; errors name bundle lines.
        sourcemap: false,
        keepNames: true,
        metafile: true,
        logLevel: "warning",
        plugins: [resolvePackages, mainOnlyInEntry(entry)],
    });
    const inputs = {};
    // Bundled packages change only with the lock files, which the key covers.
    for (const file of Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/"))) inputs[file] = stamp(file);
    // Renamed into place so that processes building at once never read half a file.
    fs.renameSync(`${bundle}.${process.pid}.tmp`, bundle);
    fs.writeFileSync(`${bundle}.inputs.json.${process.pid}.tmp`, JSON.stringify({ key: buildKey(), inputs }));
    fs.renameSync(`${bundle}.inputs.json.${process.pid}.tmp`, `${bundle}.inputs.json`);
}

/** The path of the bundle of `entry` (a .ts file), built first when missing or stale. */
async function compiled(entry) {
    const bundle = bundlePath(entry);
    if (!freshBundle(bundle)) {
        fs.mkdirSync(OUT, { recursive: true });
        await build(path.resolve(entry), bundle);
    }
    return bundle;
}

module.exports = { compiled };

if (require.main === module) {
    const [entry] = process.argv.splice(2, 1);
    if (!entry) {
        console.error("usage: node tools/launch.js <entry.ts> [args...]");
        process.exit(2);
    }
    compiled(entry).then((bundle) => {
        // Run as the main module, so that the entry's `require.main === module` holds.
        process.argv[1] = bundle;
        require("node:module").runMain();
    }, (err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
