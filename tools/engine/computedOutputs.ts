// Which outputs of a cloud resource its provider computes, so that a preview of its creation
// cannot know them. The SDKs generated from the providers' schemas type such an output as always
// present (`pulumi.Output<T>`: in the schema's `required` outputs, which the Terraform bridge
// fills with every `Computed` attribute, pulumi-terraform-bridge pkg/tfgen/generate.go), and an
// output the provider only echoes when the program set it as `pulumi.Output<T | undefined>`.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const OUTPUT = /^ {4}readonly (\w+): pulumi\.Output<([\s\S]*?)>;$/gm;

const cache = new Map<string, ReadonlySet<string>>();

/**
 * The SDK file that declares a type token: `aws:s3/bucket:Bucket` -> @pulumi/aws/s3/bucket.d.ts.
 * The token's module part and the file name differ in case for some types (`compute/sSLPolicy`
 * lives in `compute/sslpolicy.d.ts`), so the file is found regardless of case.
 */
function declarationFile(type: string): string | undefined {
    const [pkg, module] = type.split(":");
    if (!["aws", "gcp"].includes(pkg) || !module.includes("/")) return undefined;
    const dir = path.join(path.dirname(require.resolve(`@pulumi/${pkg}/package.json`)), path.dirname(module));
    const wanted = `${path.basename(module)}.d.ts`.toLowerCase();
    const file = readdirSync(dir).find((f) => f.toLowerCase() === wanted);
    if (file === undefined) throw new Error(`no declaration of ${type} in @pulumi/${pkg}`);
    return path.join(dir, file);
}

/**
 * Outputs of `type` that are present whether or not the program sets them: unknown in a preview
 * unless the program set them. Empty for types whose SDK is not an aws or gcp module.
 */
export function computedOutputs(type: string): ReadonlySet<string> {
    let found = cache.get(type);
    if (found === undefined) {
        const file = declarationFile(type);
        const text = file === undefined ? "" : readFileSync(file, "utf8");
        const classBody = text.slice(text.indexOf("extends pulumi.CustomResource"), text.indexOf("    constructor("));
        found = new Set([...classBody.matchAll(OUTPUT)].filter(([, , t]) => !/\|\s*undefined$/.test(t.trim())).map(([, name]) => name));
        cache.set(type, found);
    }
    return found;
}
