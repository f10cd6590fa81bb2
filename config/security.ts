// `adk-platform:security`: isolation, identity, keys, secrets, audit and classification (issue: security policies).
import { z } from "zod";
import type { Environment } from "./presets";

export const securitySchema = z.strictObject({}).default({});

export type RawSecurity = z.infer<typeof securitySchema>;

export interface SecurityConfig {}

export function resolveSecurity(_raw: RawSecurity, _environment: Environment): SecurityConfig {
    return {};
}
