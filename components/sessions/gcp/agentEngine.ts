// `sessions.store: agentengine`: Vertex AI Agent Engine keeps the sessions, addressed by ADK's
// `agentengine://<reasoning engine>` URI (google/adk-python cli/service_registry.py). Nothing to
// connect to in the VPC; the agent's identity needs Vertex AI access, which the model access
// settings give it. The URI goes in a Secret all the same, so every store reaches the agent one way.
import { sessionUriSecret, type SessionStore, type SessionStoreArgs } from "../store";

export function agentEngineSessions(name: string, args: SessionStoreArgs, engineId: string): SessionStore {
    const agents = Object.fromEntries(args.agents.map((agent) => {
        const uriSecret = sessionUriSecret(name, agent.name, `agentengine://${engineId}`, args, { provider: args.kubernetesProvider, dependsOn: args.dependsOn });
        return [agent.name, { uriSecret }];
    }));
    return { agents, egress: [] };
}
