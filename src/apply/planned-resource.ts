import { resolveTemplate } from '../config/env.js';
import { splitAddress } from '../model/kind.js';
import { replaceAtPaths } from '../model/attr-paths.js';
import { matchesSealed } from '../model/sealed.js';
import type { AnyResource } from '../model/resource.js';
import type { Change, Plan } from '../types/plan.js';

/** A planned change that cannot be turned back into the object to write (a variable is not set). */
export class UnresolvedChange extends Error {}

/**
 * The object a create, update or replace writes, rebuilt from the plan alone: its `after`
 * attributes, with each value that came from the environment resolved again from `env` (a plan
 * holds only the config text `${{ env "NAME" }}`, never the value).
 */
export function plannedResource(change: Change, env: NodeJS.ProcessEnv): AnyResource {
  const [kind, key] = splitAddress(change.address);
  const { protected: isProtected, ...shown } = (change.after ?? {}) as Record<string, unknown>;
  const templates = change.env ?? {};
  // Without environment values there is nothing to resolve, and nothing to copy: the plan's own value is written.
  const attrs = change.env === undefined ? shown : replaceAtPaths(shown, Object.keys(templates), (_shown, path) => {
    const { value, missing } = resolveTemplate(templates[path]!, env);
    if (missing.length > 0) throw new UnresolvedChange(`environment variable ${missing.join(', ')} is not set (${path})`);
    return value;
  });
  const secretAttrs = Object.keys(templates);
  return {
    kind,
    key,
    address: change.address,
    attrs,
    protected: isProtected === true,
    ...(secretAttrs.length > 0 && { secretAttrs, envTemplates: templates }),
  } as AnyResource;
}

/** The environment variables a plan's changes read that `env` does not set: checked before anything changes. */
export function unresolvedVariables(plan: Pick<Plan, 'changes'>, env: NodeJS.ProcessEnv): string[] {
  const missing = new Set<string>();
  for (const change of plan.changes) {
    for (const template of Object.values(change.env ?? {})) for (const name of resolveTemplate(template, env).missing) missing.add(name);
  }
  return [...missing].sort();
}

/**
 * The environment values that no longer seal to what the plan recorded (`address path`): the value
 * changed since the plan was reviewed. Checked before anything changes.
 */
export function changedValues(plan: Pick<Plan, 'changes'>, env: NodeJS.ProcessEnv): string[] {
  const changed: string[] = [];
  for (const change of plan.changes) {
    for (const [path, template] of Object.entries(change.env ?? {})) {
      const sealed = change.env_seals?.[path];
      if (sealed !== undefined && !matchesSealed(resolveTemplate(template, env).value, { $sensitive: sealed })) changed.push(`${change.address} ${path}`);
    }
  }
  return changed;
}
