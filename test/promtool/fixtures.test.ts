// The rules fire when they should and stay quiet when they should not: promtool's unit tests
// (the fixtures beside this file) against the rules as rendered for each request source.
import assert from "node:assert/strict";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import * as path from "node:path";
import { REQUEST_METRICS } from "../../components/observability/config";
import { FIXTURES, promtool, rulesFor, sourcesOf, withRules } from "./promtool";

describe("promtool unit tests of the rules", () => {
    for (const source of REQUEST_METRICS) {
        it(`accepts the rendered rules for request metrics from ${source} (promtool check rules)`, () => {
            withRules(rulesFor(source), (dir) => {
                const result = promtool(["check", "rules", "rules.yaml"], dir);
                assert.equal(result.status, 0, result.output);
                assert.match(result.output, /SUCCESS: \d+ rules found/);
            });
        });
    }

    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".test.yaml"))) {
        for (const source of sourcesOf(file)) {
            it(`passes ${file} with request metrics from ${source} (promtool test rules)`, () => {
                withRules(rulesFor(source), (dir) => {
                    copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
                    const result = promtool(["test", "rules", file], dir);
                    assert.equal(result.status, 0, result.output);
                });
            });
        }
    }

    it("has a scenario with span-shaped series for every alert the application metrics' scenarios test", () => {
        const alertsIn = (prefix: (f: string) => boolean) => new Set(readdirSync(FIXTURES).filter(prefix)
            .flatMap((f) => [...readFileSync(path.join(FIXTURES, f), "utf8").matchAll(/alertname: (\w+)/g)].map((m) => m[1])));
        const spans = alertsIn((f) => f.startsWith("spans-") || f.startsWith("container-"));
        const app = alertsIn((f) => !f.startsWith("spans-"));
        assert.deepEqual([...app].filter((a) => !spans.has(a)), []);
    });

    it("fails the span fixtures when the rules read the application metrics, so they test the span series", () => {
        withRules(rulesFor("app-metrics"), (dir) => {
            copyFileSync(path.join(FIXTURES, "spans-canary.test.yaml"), path.join(dir, "spans-canary.test.yaml"));
            assert.equal(promtool(["test", "rules", "spans-canary.test.yaml"], dir).status, 1);
        });
    });

    it("fails the fixtures when a threshold is wrong, so they can catch a regression", () => {
        const cases: [monitoring: Parameters<typeof rulesFor>[1], fixture: string, scenario: string][] = [
            [{ canary: { minRequests: 50 } }, "canary.test.yaml", "a canary below the minimum sample fires nothing"],
            [{ alerts: { minRequests: 5 } }, "agent-alerts.test.yaml", "a canary with 9 requests in 5 minutes, 1 of them failed, pages nobody"],
        ];
        for (const [wrong, fixture, scenario] of cases) {
            // Only the scenario the threshold guards, which the right rules pass: the file's other
            // scenarios cost promtool seconds and prove nothing here.
            const tests = parse(readFileSync(path.join(FIXTURES, fixture), "utf8"));
            tests.tests = tests.tests.filter((t: { name: string }) => t.name === scenario);
            assert.equal(tests.tests.length, 1, `${fixture} has the scenario "${scenario}"`);
            for (const [rules, status] of [[rulesFor("app-metrics"), 0], [rulesFor("app-metrics", wrong), 1]] as const) {
                withRules(rules, (dir) => {
                    writeFileSync(path.join(dir, fixture), stringify(tests));
                    const result = promtool(["test", "rules", fixture], dir);
                    assert.equal(result.status, status, result.output);
                    if (status === 1) assert.ok(result.output.includes(scenario), result.output);
                });
            }
        }
    });
});
