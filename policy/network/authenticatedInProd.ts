// ADK's API server authenticates nobody and serves any user's sessions (google/adk-python
// cli/api_server.py), so in prod every route to an agent passes the load balancer's
// authentication: an authenticate action before each ALB forward, IAP on each GKE backend. A route
// the stack serves publicly on purpose carries the PUBLIC_ROUTE_LABEL, which the program sets only
// for agents configured `public: true`.
import { define, isProd, ofType, PUBLIC_ROUTE_LABEL } from "../lib";

const AUTHENTICATE = ["authenticate-oidc", "authenticate-cognito"];

/** Whether every forward among the actions comes after an authenticate action. */
function forwardsAuthenticated(actions: any[]): boolean {
    const order = (action: any, i: number) => action.order ?? i + 1;
    const authenticated = actions.map(order).filter((_, i) => AUTHENTICATE.includes(actions[i].type));
    return actions.every((action, i) => action.type !== "forward" || authenticated.some((at) => at < order(action, i)));
}

const isPublicRoute = (labels: Record<string, string> | undefined) => labels?.[PUBLIC_ROUTE_LABEL] === "true";

export const authenticatedInProd = define({
    name: "lb-authenticated-in-prod",
    description: `In prod, every ALB forward (HTTPS listener default action and listener rules) is preceded by an authenticate-oidc or authenticate-cognito action, and every GKE GCPBackendPolicy enables IAP, unless the route is labelled ${PUBLIC_ROUTE_LABEL}: "true".`,
    controls: { soc2: ["CC6.1", "CC6.6"], gdpr: ["Art. 32(1)(b)", "Art. 25(2)"], hipaa: ["164.312(d)", "164.312(a)(1)"], pciDss: ["8.2.1", "7.2.1"] },
    validateStack: (args, report) => {
        for (const listener of ofType(args, "aws:lb/listener:Listener").filter(isProd)) {
            if (!isPublicRoute(listener.props.tags) && !forwardsAuthenticated(listener.props.defaultActions ?? [])) report("prod listener forwards to agents without an authenticate action before the forward", listener.urn);
        }
        for (const rule of ofType(args, "aws:lb/listenerRule:ListenerRule").filter(isProd)) {
            if (!isPublicRoute(rule.props.tags) && !forwardsAuthenticated(rule.props.actions ?? [])) report("prod listener rule forwards to agents without an authenticate action before the forward", rule.urn);
        }
        for (const policy of ofType(args, "kubernetes:networking.gke.io/v1:GCPBackendPolicy").filter(isProd)) {
            const labels = policy.props.metadata?.labels;
            if (!isPublicRoute(labels) && policy.props.spec?.default?.iap?.enabled !== true) report(`prod GCPBackendPolicy ${policy.props.metadata?.name} does not enable Identity-Aware Proxy`, policy.urn);
        }
    },
});
