#!/usr/bin/env bash
# Writes agents[<AGENT>].canary.weight = $1 into Pulumi.$STACK.yaml and opens a pull request, so
# that the next ordinary `pulumi up` does not undo what the promotion workflow deployed.
set -euo pipefail
weight=$1
reason=$2
branch="canary/${STACK}-${AGENT}-${GITHUB_RUN_ID}"
git switch -c "$branch"
yq -i "(.config.\"adk-platform:agents\"[] | select(.name == env(AGENT)) | .canary.weight) = ${weight}" "Pulumi.${STACK}.yaml"
git -c user.name=github-actions -c user.email=github-actions@users.noreply.github.com \
  commit -am "${STACK}: ${AGENT} canary weight ${weight} (${reason})"
git push origin "$branch"
gh pr create --title "${STACK}: ${AGENT} canary weight ${weight}" \
  --body "The canary-promotion workflow (run ${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}) ${reason}."
