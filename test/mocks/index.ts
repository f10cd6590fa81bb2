import "./aws";

export { ACCOUNT, COMPUTED, INVOKES, registerComputed, registerInvoke } from "./registry";
