import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ConfigError } from "../../config";
import { readStackConfig, ROOT, StackConfig, stackFile, stackNames } from "../../tools/stackConfig";
import { planCli, temporaryStack } from "../fixtures";
import { SECRET } from "../../tools/mockRuntime";

const CIPHERTEXT = "v1:bm9uY2U=:Y2lwaGVydGV4dA==";

/** The required keys of the real Pulumi.yaml, as a stack sets them. */
const REQUIRED = {
    "adk-platform:cloud": "aws",
    "adk-platform:environment": "dev",
    "adk-platform:agents": [{ name: "research-agent", image: "ghcr.io/acme/research:1.0.0" }],
};

describe("stack configuration, read as the Pulumi CLI assembles and checks it", () => {
    let root: string;
    beforeEach(() => {
        root = mkdtempSync(path.join(tmpdir(), "adk-stack-config-"));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    /** Writes Pulumi.yaml (`project` is its `config:`, or the real file when absent) and Pulumi.s.yaml. */
    function write(stack: Record<string, unknown>, project?: Record<string, unknown>): void {
        if (project) writeFileSync(path.join(root, "Pulumi.yaml"), stringify({ name: "adk-platform", runtime: "nodejs", config: project }));
        else copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
        writeFileSync(stackFile("s", root), stringify({ config: stack }));
    }

    function read(stack: Record<string, unknown>, project?: Record<string, unknown>): StackConfig {
        write(stack, project);
        return readStackConfig("s", root);
    }

    function problems(stack: Record<string, unknown>, project?: Record<string, unknown>): string[] {
        try {
            read(stack, project);
        } catch (err) {
            if (err instanceof ConfigError) return err.problems;
            throw err;
        }
        assert.fail("expected the configuration to be refused");
    }

    describe("the project's stacks", () => {
        for (const stack of stackNames()) {
            it(`Pulumi.${stack}.yaml passes`, () => {
                const { config } = readStackConfig(stack);
                for (const key of Object.keys(REQUIRED)) assert.notEqual(config[key], undefined, key);
            });
        }

        it("a Pulumi.yaml declaring an optional key without a default, as it used to, refuses them", () => {
            const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
            project.config.replicas = { type: "integer", description: "Minimum replicas per agent." };
            project.config.protect = { type: "boolean", description: "Pulumi `protect` on stateful resources." };
            writeFileSync(path.join(root, "Pulumi.yaml"), stringify(project));
            copyFileSync(stackFile("dev"), stackFile("dev", root));
            assert.throws(() => readStackConfig("dev", root), (err: unknown) => {
                assert.ok(err instanceof ConfigError);
                assert.deepEqual(err.problems, [
                    "adk-platform:protect: Stack 'dev' is missing configuration value 'protect'",
                    "adk-platform:replicas: Stack 'dev' is missing configuration value 'replicas'",
                ]);
                return true;
            });
        });

        it("Pulumi.yaml gives no key a default, which the CLI would write into every stack", () => {
            const { config } = read(REQUIRED);
            assert.deepEqual(Object.keys(config).sort(), Object.keys(REQUIRED).sort());
        });
    });

    describe("required keys (mergeConfig)", () => {
        it("a project key without default or value that the stack does not set is missing, each one named", () => {
            assert.deepEqual(problems({ "adk-platform:cloud": "aws" }), [
                "adk-platform:agents: Stack 's' is missing configuration value 'agents'",
                "adk-platform:environment: Stack 's' is missing configuration value 'environment'",
            ]);
        });

        it("a short stack key belongs to the project and satisfies the declaration", () => {
            const { config } = read({ cloud: "gcp", environment: "prod", agents: REQUIRED["adk-platform:agents"] });
            assert.equal(config["adk-platform:cloud"], "gcp");
            assert.equal(config.cloud, undefined);
        });

        it("`namespace:config:name` is the older spelling of `namespace:name`", () => {
            const { config } = read({ ...REQUIRED, "adk-platform:config:cloud": "gcp", "aws:config:region": "eu-west-1" });
            assert.equal(config["adk-platform:cloud"], "gcp");
            assert.equal(config["aws:region"], "eu-west-1");
        });
    });

    describe("defaults and values of the project", () => {
        it("a default stands in for an unset key, and a stack value overrides it", () => {
            const project = { replicas: { type: "integer", default: 2 }, namespace: "adk-agents" };
            assert.deepEqual(read({}, project).config, { "adk-platform:replicas": 2, "adk-platform:namespace": "adk-agents" });
            assert.deepEqual(read({ replicas: 5, "adk-platform:namespace": "team-a" }, project).config, { "adk-platform:replicas": 5, "adk-platform:namespace": "team-a" });
        });

        it("another namespace's key is kept as is and takes a `value`, which the stack overrides", () => {
            assert.deepEqual(read({}, { "aws:region": "eu-west-1" }).config, { "aws:region": "eu-west-1" });
            assert.deepEqual(read({ "aws:region": "us-east-2" }, { "aws:region": { value: "eu-west-1" } }).config, { "aws:region": "us-east-2" });
        });

        it("another namespace's key needs a value, and takes neither type nor default", () => {
            assert.deepEqual(problems({}, { "aws:region": { type: "string", default: "eu-west-1" } }), [
                "aws:region: could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is not namespaced by the project and should not define a type",
                "aws:region: could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?",
                "aws:region: could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is namespaced and must provide an attribute 'value'",
            ]);
        });

        it("a key takes a default or a value, not both", () => {
            assert.deepEqual(problems({}, { namespace: { default: "a", value: "b" } }), [
                "adk-platform:namespace: could not unmarshal 'Pulumi.yaml': project config 'namespace' cannot have both a 'default' and 'value' attribute",
            ]);
        });

        it("a default must be of the declared type", () => {
            assert.deepEqual(problems({}, { replicas: { type: "integer", default: "two" }, zones: { type: "array", items: { type: "string" }, default: ["a", 1] } }), [
                "adk-platform:replicas: could not unmarshal 'Pulumi.yaml': The default value specified for configuration key 'replicas' is not of the expected type 'integer'",
                "adk-platform:zones: could not unmarshal 'Pulumi.yaml': The default value specified for configuration key 'zones' is not of the expected type 'array<string>'",
            ]);
        });

        it("an array declares the type of its items", () => {
            assert.deepEqual(problems({}, { zones: { type: "array" } }), [
                "adk-platform:zones: could not unmarshal 'Pulumi.yaml': The configuration key 'zones' declares an array but does not specify the underlying type via the 'items' attribute",
            ]);
        });
    });

    describe("the project schema (ValidateProject)", () => {
        it("refuses an unknown type, an unknown attribute, items without a type and a non-boolean secret", () => {
            assert.deepEqual(problems(REQUIRED, {
                cloud: { type: "text" },
                replicas: { type: "integer", defualt: 2 },
                zones: { type: "array", items: { items: { type: "string" } } },
                token: { type: "string", secret: "yes" },
                ratio: 0.5,
            }), [
                `adk-platform:cloud: could not validate 'Pulumi.yaml': #/config/cloud/type: value must be one of "string", "integer", "boolean", "array", "object"`,
                "adk-platform:replicas: could not validate 'Pulumi.yaml': #/config/replicas: additionalProperties 'defualt' not allowed",
                "adk-platform:zones: could not validate 'Pulumi.yaml': #/config/zones/items: missing properties: 'type'",
                "adk-platform:token: could not validate 'Pulumi.yaml': #/config/token/secret: expected boolean, but got string",
                "adk-platform:ratio: could not validate 'Pulumi.yaml': #/config/ratio: oneOf failed: expected string, integer, boolean, array or a declaration object, but got number",
            ]);
        });
    });

    describe("stack values against the declared types (validateStackConfigValue)", () => {
        const typed = { replicas: { type: "integer" }, protect: { type: "boolean" }, zones: { type: "array", items: { type: "integer" } }, labels: { type: "object" } };
        const valid = { replicas: 3, protect: true, zones: [1, 2], labels: { team: "a" } };

        it("accepts whole numbers and integer text, true/false and their text, arrays whose items match, mappings", () => {
            assert.deepEqual(read(valid, typed).config, {
                "adk-platform:replicas": 3, "adk-platform:protect": true, "adk-platform:zones": [1, 2], "adk-platform:labels": { team: "a" },
            });
            read({ ...valid, replicas: "3", protect: "false", zones: ["1", 2] }, typed);
        });

        it("refuses an integer key given text or a fraction", () => {
            for (const replicas of ["three", 1.5]) {
                assert.deepEqual(problems({ ...valid, replicas }, typed), ["adk-platform:replicas: Stack 's' with configuration key 'replicas' must be of type 'integer'"]);
            }
        });

        it("refuses a boolean key given anything but true or false", () => {
            for (const protect of ["yes", 1]) {
                assert.deepEqual(problems({ ...valid, protect }, typed), ["adk-platform:protect: Stack 's' with configuration key 'protect' must be of type 'boolean'"]);
            }
        });

        it("refuses an array whose items are not of the declared type, and a scalar given for an array or an object", () => {
            assert.deepEqual(problems({ ...valid, zones: [1, "b"], labels: "team=a" }, typed), [
                "adk-platform:labels: Stack 's' with configuration key 'labels' must be of type 'object'",
                "adk-platform:zones: Stack 's' with configuration key 'zones' must be of type 'array<integer>'",
            ]);
        });

        it("reads a null value as empty text, which a string key accepts and an integer key does not", () => {
            assert.deepEqual(read({ name: null }, { name: { type: "string" } }).config, { "adk-platform:name": "" });
            assert.deepEqual(problems({ ...valid, replicas: null }, typed), ["adk-platform:replicas: Stack 's' with configuration key 'replicas' must be of type 'integer'"]);
        });

        it("checks only explicitly typed keys", () => {
            assert.deepEqual(read({ agents: "not a list" }, { agents: { description: "the agents" } }).config, { "adk-platform:agents": "not a list" });
        });
    });

    describe("secrets", () => {
        it("a `secure:` value becomes \"[secret]\" and its key secret, nested or not", () => {
            const { config, secretKeys } = read({ ...REQUIRED, kubeconfig: { secure: CIPHERTEXT }, agentSecrets: { a: { KEY: { secure: CIPHERTEXT } } } });
            assert.equal(config["adk-platform:kubeconfig"], SECRET);
            assert.deepEqual(config["adk-platform:agentSecrets"], { a: { KEY: SECRET } });
            assert.deepEqual(secretKeys.sort(), ["adk-platform:agentSecrets", "adk-platform:kubeconfig"]);
        });

        it("a key declared secret must be stored encrypted, and its value is never echoed", () => {
            const project = { kubeconfig: { type: "string", secret: true } };
            const lines = problems({ kubeconfig: "apiVersion: v1 hunter2" }, project);
            assert.deepEqual(lines, ["adk-platform:kubeconfig: Stack 's' with configuration key 'kubeconfig' must be encrypted as it's secret"]);
            assert.deepEqual(read({ kubeconfig: { secure: CIPHERTEXT } }, project).secretKeys, ["adk-platform:kubeconfig"]);
        });

        it("an object with an encrypted leaf is stored encrypted", () => {
            assert.deepEqual(read({ creds: { user: "u", password: { secure: CIPHERTEXT } } }, { creds: { type: "object", secret: true } }).secretKeys, ["adk-platform:creds"]);
        });

        it("a default of a key declared secret is written in clear, so every stack that does not set the key is refused", () => {
            const project = { token: { type: "string", secret: true, default: "changeme" } };
            assert.deepEqual(problems({}, project), ["adk-platform:token: Stack 's' with configuration key 'token' must be encrypted as it's secret"]);
            read({ token: { secure: CIPHERTEXT } }, project);
        });

        it("`secret: true` without a type is not enforced: the CLI checks explicitly typed keys only", () => {
            assert.deepEqual(read({ token: "clear" }, { token: { secret: true } }).secretKeys, []);
        });

        it("a ciphertext, whose plaintext is text, passes as a string, integer or boolean but not as an object, and is never printed", () => {
            const project = { port: { type: "integer", secret: true }, creds: { type: "object", secret: true } };
            const lines = problems({ port: { secure: CIPHERTEXT }, creds: { secure: CIPHERTEXT } }, project);
            assert.deepEqual(lines, ["adk-platform:creds: Stack 's' with configuration key 'creds' must be of type 'object'"]);
            assert.ok(lines.every((l) => !l.includes(CIPHERTEXT)));
        });
    });

    describe("key syntax (ParseKey)", () => {
        it("refuses a stack key with more than one colon, unless the middle part is `config`", () => {
            assert.deepEqual(problems({ ...REQUIRED, "aws:region:eu": "x", "adk-platform:agents:x": 1 }), [
                "aws:region:eu: could not parse aws:region:eu as a configuration key (configuration keys should be of the form `<namespace>:<name>`)",
                "adk-platform:agents:x: could not parse adk-platform:agents:x as a configuration key (configuration keys should be of the form `<namespace>:<name>`)",
            ]);
        });

        it("refuses such a key in Pulumi.yaml too", () => {
            assert.deepEqual(problems({}, { "a:b:c": { value: 1 } }), [
                "a:b:c: could not parse a:b:c as a configuration key (configuration keys should be of the form `<namespace>:<name>`)",
            ]);
        });
    });

    it("reports every problem of the stack at once", () => {
        const lines = problems({ "adk-platform:cloud": 1, "x:y:z": 1 }, { cloud: { type: "boolean" }, environment: { type: "string" } });
        assert.deepEqual(lines, [
            "x:y:z: could not parse x:y:z as a configuration key (configuration keys should be of the form `<namespace>:<name>`)",
            "adk-platform:cloud: Stack 's' with configuration key 'cloud' must be of type 'boolean'",
            "adk-platform:environment: Stack 's' is missing configuration value 'environment'",
        ]);
    });

    describe("npm run plan", function () {
        this.timeout(120_000);

        it("refuses a stack without a required key before the program runs, one line per key", async () => {
            const { stack, remove } = temporaryStack("required", { "aws:region": "eu-west-1", cloud: "aws" });
            try {
                const result = await planCli("--stack", stack);
                assert.equal(result.code, 1);
                assert.deepEqual(result.stderr.trim().split("\n"), [
                    `adk-platform:agents: Stack '${stack}' is missing configuration value 'agents'`,
                    `adk-platform:environment: Stack '${stack}' is missing configuration value 'environment'`,
                ]);
            } finally {
                remove();
            }
        });
    });
});
