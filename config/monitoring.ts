// `adk-platform:monitoring`: scraping, rules, dashboards, tracing and logging (issue: monitoring stack).
import { z } from "zod";
import type { Environment } from "./presets";

export const monitoringSchema = z.strictObject({}).default({});

export type RawMonitoring = z.infer<typeof monitoringSchema>;

export interface MonitoringConfig {}

export function resolveMonitoring(_raw: RawMonitoring, _environment: Environment): MonitoringConfig {
    return {};
}
