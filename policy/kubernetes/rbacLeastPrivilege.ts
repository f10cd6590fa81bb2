// Roles name what they grant: no wildcards, no reading Secrets, and no binding to the built-in
// admin roles (CIS 5.1.1 to 5.1.3, kubescape C-0035).
import { define, forTypes } from "../lib";

const ROLE_TYPES = ["kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"];
const BINDING_TYPES = ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"];
const ADMIN_ROLES = ["cluster-admin", "admin", "edit"];

export const rbacLeastPrivilege = define({
    name: "k8s-rbac-least-privilege",
    description: "Roles grant no wildcard verbs, resources or API groups and no access to Secrets; no binding grants cluster-admin, admin or edit.",
    controls: { soc2: ["CC6.1", "CC6.3"], gdpr: ["Art. 25(2)", "Art. 32(4)"], hipaa: ["164.308(a)(4)", "164.312(a)(1)"], pciDss: ["7.2.1", "7.2.2"] },
    validateResource: forTypes([...ROLE_TYPES, ...BINDING_TYPES], (props, args, report) => {
        if (BINDING_TYPES.includes(args.type)) {
            if (ADMIN_ROLES.includes(props.roleRef?.name)) report(`binds the built-in role ${props.roleRef.name}`);
            return;
        }
        (props.rules ?? []).forEach((rule: any, i: number) => {
            for (const field of ["verbs", "resources", "apiGroups"]) if ((rule[field] ?? []).includes("*")) report(`rule ${i} has "*" in ${field}`);
            if ((rule.resources ?? []).includes("secrets")) report(`rule ${i} grants access to secrets`);
        });
    }),
});
