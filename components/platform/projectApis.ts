// The Google APIs a stack's resources call, enabled in its project. They are enabled through a
// provider of their own, so that the stack's provider can wait for this component and every
// resource created through that provider waits too.
import * as gcp from "../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface ProjectApisArgs {
    /** The project, region and default labels of the stack's provider. */
    settings: gcp.ProviderArgs;
    /** Service names such as `compute.googleapis.com`. */
    services: string[];
}

export class ProjectApis extends pulumi.ComponentResource {
    public readonly services: gcp.projects.Service[];

    constructor(name: string, args: ProjectApisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:ProjectApis", name, {}, opts);
        const provider = new gcp.Provider(`${name}-provider`, args.settings, { parent: this });
        this.services = args.services.map((service) => new gcp.projects.Service(`${name}-${service.split(".")[0]}`, {
            service,
            // Other workloads of the project may call them: destroying the stack leaves them on.
            disableOnDestroy: false,
            disableDependentServices: false,
        }, { parent: this, provider }));
        this.registerOutputs({ services: this.services.map((s) => s.service) });
    }
}
