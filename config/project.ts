// The project's name, as Pulumi.yaml declares it: the namespace of every configuration key and
// the second part of every URN. A module of its own, so that the tools that only read stack files
// (the canary gate and step runner, every few seconds in a rollout) load without the Pulumi SDK.
export const PROJECT = "adk-platform";
