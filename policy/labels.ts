// The labels and tags by which the program marks a resource for the policy pack, and the names both
// check. Free of imports, so that the program uses them without loading @pulumi/policy at `pulumi up`.

/**
 * The pack's one exemption: a node agent (a log shipper tailing the node's /var/log) needs hostPath
 * volumes, root without capabilities, and an API token for pod metadata. It is declared in the
 * open, with this label on its namespace, ServiceAccount and pod template, so that it shows in every
 * preview diff; everything else still applies to it.
 */
export const PROFILE_LABEL = "adk-platform/pod-security-profile";
export const NODE_AGENT = "node-agent";

/**
 * The one opt-out of authentication at the load balancer: the program sets this tag (AWS listener
 * or rule) or label (GKE GCPBackendPolicy) to "true" only for an agent configured `public: true`,
 * so that an unauthenticated route shows as such in every preview and the pack can tell it from a
 * forgotten one.
 */
export const PUBLIC_ROUTE_LABEL = "adk-platform/public";

/**
 * The environment variables through which the google-genai client takes a model API key
 * (GEMINI_API_KEY is its alias): the program refuses them in an agent's literal env, the pack in clear.
 */
export const MODEL_KEY_NAMES: readonly string[] = ["GOOGLE_API_KEY", "GEMINI_API_KEY"];
