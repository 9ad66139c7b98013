import { BackendError } from '../../backend.js';
import type { Adapters, IdAttrs, LiveObject, Write } from '../../adapter.js';
import { deleted, repeatOn500, unknownOn500, PROTECTED_LABEL, REFERENCE_LABEL, userLabels, withProtection, type V3Context } from './context.js';
import type { AppItem } from './wire.js';
import { implicitStrategy } from '../implicit-strategy.js';

/**
 * Applications ↔ portal-management v3 (MAPPING 3.2): the reference ID is the label
 * `portalctl-reference-id` (M8), labels and the auth strategy are written at creation only (M9, M10:
 * the backend declares them immutable), the owner is resolved from a developer's email or a team's
 * name (default: the session developer, M12) and changed by the admin PATCH; name and description
 * change through the developer session's PATCH (M9). Applications without the reference label are
 * not portalctl's to manage: left out.
 */
export function applications(ctx: V3Context): Adapters['application'] {
  return {
    list: async () => {
      const [apps, developers, teams] = await Promise.all([ctx.applications(), ctx.developers(), ctx.teams()]);
      const emails = new Map(developers.map((d) => [d.id, d.email]));
      const teamNames = new Map(teams.map((t) => [t.id, t.name]));
      const out: LiveObject<'application'>[] = [];
      for (const a of apps) {
        const reference = a.labels?.[REFERENCE_LABEL];
        if (reference === undefined) continue;
        ctx.listedApps.add(a.id);
        const ownerName = a.owner === undefined ? undefined : a.owner.type === 'developer' ? emails.get(a.owner.id) : teamNames.get(a.owner.id);
        const attrs: IdAttrs<'application'> = {
          reference_id: reference,
          name: a.name,
          description: a.description ?? '',
          ...(a.owner &&
            ownerName !== undefined && {
              owner: { type: a.owner.type, name: ownerName },
            }),
          ...(a.auth_strategy && { auth_strategy: a.auth_strategy.id }),
        };
        out.push({
          id: a.id,
          attrs,
          labels: userLabels(a.labels),
          protected: a.labels?.[PROTECTED_LABEL] === 'true',
        });
      }
      return out;
    },
    create: async (write) => {
      const a = write.attrs;
      const labels = withProtection({ ...write.labels, [REFERENCE_LABEL]: a.reference_id }, PROTECTED_LABEL, write.protected);
      const strategy = a.auth_strategy ?? (await implicitStrategy(ctx, a.reference_id));
      const body = {
        name: a.name,
        ...(a.description && { description: a.description }),
        labels,
        ...(strategy !== undefined && { auth_strategy_id: strategy }),
        owner: await ownerId(ctx, a),
      };
      const path = `${ctx.portalPath}/applications`;
      const created = await ctx.admin.createIdempotently(
        () => unknownOn500(() => ctx.admin.postOnce<AppItem>(path, body)),
        // Applications cannot be filtered by label: look for the reference among those of this name.
        async () =>
          (
            await ctx.listFresh<AppItem>(path, {
              filter: { name: { eq: a.name } },
            })
          ).find((x) => x.labels?.[REFERENCE_LABEL] === a.reference_id),
      );
      ctx.listedApps.add(created.id);
      return { id: created.id };
    },
    update: async (id, write) => {
      const live = (await ctx.applications()).find((x) => x.id === id);
      const a = write.attrs;
      if (live !== undefined && (live.labels?.[PROTECTED_LABEL] === 'true') !== write.protected) {
        throw new BackendError(
          `application "${a.reference_id}": Konnect cannot change an application's labels after creation, so its protection cannot change`,
          400,
        );
      }
      if (a.owner !== undefined) {
        const owner = await ownerId(ctx, a);
        if (live?.owner?.id !== owner.id || live?.owner?.type !== owner.type)
          await repeatOn500(ctx, () => ctx.admin.patch(`${ctx.portalPath}/applications/${encodeURIComponent(id)}`, { owner }));
      }
      if (live === undefined || live.name !== a.name || (live.description ?? '') !== (a.description ?? '')) {
        const session = ctx.session(`changing the name or description of application "${a.reference_id}"`);
        await repeatOn500(ctx, () =>
          session.patch(`/api/v3/applications/${encodeURIComponent(id)}`, {
            name: a.name,
            description: a.description ?? '',
          }),
        );
      }
    },
    delete: async (id) => {
      await deleted(() => repeatOn500(ctx, () => ctx.admin.delete(`${ctx.portalPath}/applications/${encodeURIComponent(id)}`)));
      ctx.listedApps.delete(id);
    },
  };
}

/** The owner by id: a developer by email, a team by name; absent, the session developer (M12). */
async function ownerId(ctx: V3Context, a: Write<'application'>['attrs']): Promise<{ type: 'developer' | 'team'; id: string }> {
  if (a.owner?.type === 'team') {
    const teams = (await ctx.teams()).filter((t) => t.name === a.owner!.name);
    if (teams.length !== 1)
      throw new BackendError(`application "${a.reference_id}": ${teams.length === 0 ? 'no team' : 'several teams'} named "${a.owner.name}" in the portal`, 400);
    return { type: 'team', id: teams[0]!.id };
  }
  const email = a.owner?.name ?? ctx.sessionEmail();
  if (email === undefined) {
    throw new BackendError(
      `application "${a.reference_id}" has no owner, and Konnect needs one: give owner, or a developer session (${ctx.sessionMissing()}) to own it`,
      400,
    );
  }
  const developer = (await ctx.developers()).find((d) => d.email.toLowerCase() === email.toLowerCase());
  if (developer === undefined) throw new BackendError(`application "${a.reference_id}": no developer ${email} in the portal`, 400);
  return { type: 'developer', id: developer.id };
}
