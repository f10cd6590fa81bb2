// Fluent Bit to CloudWatch Logs (monitoring.logging.ship, on by default in staging and prod).
import assert from "node:assert/strict";
import { cloudWatchRetention, fluentBitConfig } from "../../../../../components/observability/logs/aws/cloudWatchLogs";
import { awsStack, planFor } from "../../../../fixtures";

const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C0F1E2D";

describe("CloudWatchLogs", () => {
    it("keeps the agents' logs for the environment's retention, in a group Fluent Bit may only write to", async () => {
        const plan = await planFor(awsStack({ environment: "staging", monitoring: { logging: { ship: true } }, security: { aws: { oidcProviderArn: OIDC } } }));
        const group = plan.one("aws:cloudwatch/logGroup:LogGroup", "logs-group");
        assert.equal(group.inputs.name, "/adk-platform/test/adk-agents");
        assert.equal(group.inputs.retentionInDays, 30);
        assert.equal(group.inputs.tags["log-type"], "application");
        const policy = JSON.parse(plan.one("aws:iam/rolePolicy:RolePolicy", "logs-shipper-policy").inputs.policy);
        assert.deepEqual(policy.Statement[0].Action, ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
        assert.match(policy.Statement[0].Resource[0], /logs-group:\*$/);
        const trust = JSON.parse(plan.one("aws:iam/role:Role", "logs-shipper-role").inputs.assumeRolePolicy).Statement[0];
        assert.equal(trust.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/5C0F1E2D:sub"], "system:serviceaccount:adk-agents-logging:fluent-bit");
    });

    it("runs Fluent Bit in a namespace of its own, tailing only the agents' namespace, read-only on the host", async () => {
        const plan = await planFor(awsStack({ monitoring: { logging: { ship: true } }, security: { aws: { oidcProviderArn: OIDC } } }));
        const namespace = plan.one("kubernetes:core/v1:Namespace", "logs-ns");
        assert.equal(namespace.inputs.metadata.name, "adk-agents-logging");
        const daemonSet = plan.one("kubernetes:apps/v1:DaemonSet", "logs-daemonset");
        const [container] = daemonSet.inputs.spec.template.spec.containers;
        assert.deepEqual(container.volumeMounts.find((m: { name: string }) => m.name === "varlog"), { name: "varlog", mountPath: "/var/log", readOnly: true });
        assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        const config = plan.one("kubernetes:core/v1:ConfigMap", "logs-config").inputs.data["fluent-bit.conf"];
        assert.match(config, /Path\s+\/var\/log\/containers\/\*_adk-agents_\*\.log/);
        assert.match(config, /log_group_name\s+\/adk-platform\/test\/adk-agents/);
        assert.match(config, /auto_create_group\s+Off/);
        assert.ok(plan.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").some((p) => p.name === "logs-default-deny"));
        assert.equal(plan.run.outputs.logDestination, "/adk-platform/test/adk-agents");
    });

    it("is off by default, and needs the cluster's OIDC provider when switched on", async () => {
        assert.equal((await planFor(awsStack())).ofType("adk:aws:CloudWatchLogs").length, 0);
        await assert.rejects(planFor(awsStack({ monitoring: { logging: { ship: true } }, security: {} })),
            /adk-platform:monitoring\.logging\.ship: ships logs to CloudWatch with an IRSA role: set adk-platform:security\.aws\.oidcProviderArn/);
    });

    it("rounds retention up to a period CloudWatch accepts", () => {
        assert.deepEqual([1, 7, 10, 90, 366, 5000].map(cloudWatchRetention), [1, 7, 14, 90, 400, 3653]);
        assert.match(fluentBitConfig({ sourceNamespace: "a", logGroupName: "g", region: "us-east-1" }), /region\s+us-east-1/);
    });
});
