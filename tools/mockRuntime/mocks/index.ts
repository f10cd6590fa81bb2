import "./aws";
import "./gcp";
import "./security";

export { ACCOUNT, COMPUTED, INVOKES, registerComputed, registerInvoke } from "./registry";
import "./sessions";
