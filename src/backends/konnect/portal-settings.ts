import type { Adapters, IdAttrs, Write } from '../adapter.js';
import { repeatOn500, type KonnectContext } from './context.js';
import type { Portal } from './portal.js';

/** Where a flavour's update-portal is, and how its portal holds authentication. */
export interface PortalFlavour {
  /** `/v3/portals/{id}` or `/v2/portals/{id}`. */
  portalPath: string;
  /**
   * v3 has `authentication_enabled`; classic (v2) has none, but `is_public` ("developer accounts and
   * applications cannot be created if the portal is public") is its inverse: a private portal is one
   * developers sign in to (MAPPING 4.0 DECISION).
   */
  classic: boolean;
}

/**
 * The portal's settings (update-portal, MAPPING 3.0 / 4.0): read from the portal as resolved (the
 * list and get answers carry every setting, so the read costs no request), written by one PATCH of
 * the stated settings only. The PATCH sends no labels, so the portal keeps all of its own (the
 * applied-commit labels among them). The answer replaces the portal as this backend holds it, so a
 * later read in the same run (the reconcile loop) sees the change.
 */
export function konnectPortalSettings(ctx: KonnectContext, flavour: PortalFlavour): Adapters['portal_settings'] {
  return {
    list: async () => [{ id: ctx.portal.id, attrs: settingsOf(ctx.portal, flavour), labels: {}, protected: false }],
    update: async (_id, write) => {
      const body = toBody(write, flavour);
      if (Object.keys(body).length === 0) return;
      const updated = await repeatOn500(ctx, () => ctx.admin.patch<Portal>(flavour.portalPath, body));
      Object.assign(ctx.portal, updated);
    },
  };
}

function settingsOf(p: Portal, { classic }: PortalFlavour): IdAttrs<'portal_settings'> {
  const attrs: IdAttrs<'portal_settings'> = {};
  const authentication = classic ? (p.is_public === undefined ? undefined : !p.is_public) : p.authentication_enabled;
  if (authentication !== undefined) attrs.authentication_enabled = authentication;
  if (p.rbac_enabled !== undefined) attrs.rbac_enabled = p.rbac_enabled;
  if (p.auto_approve_developers !== undefined) attrs.auto_approve_developers = p.auto_approve_developers;
  if (p.auto_approve_applications !== undefined) attrs.auto_approve_applications = p.auto_approve_applications;
  if (p.default_application_auth_strategy_id !== undefined) attrs.default_application_auth_strategy = p.default_application_auth_strategy_id;
  if (!classic && p.default_api_visibility !== undefined) attrs.default_api_visibility = p.default_api_visibility;
  return attrs;
}

/** update-portal's body: the stated settings only, in the flavour's fields. */
function toBody({ attrs }: Write<'portal_settings'>, { classic }: PortalFlavour): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (attrs.authentication_enabled !== undefined) {
    if (classic) body.is_public = !attrs.authentication_enabled;
    else body.authentication_enabled = attrs.authentication_enabled;
  }
  if (attrs.rbac_enabled !== undefined) body.rbac_enabled = attrs.rbac_enabled;
  if (attrs.auto_approve_developers !== undefined) body.auto_approve_developers = attrs.auto_approve_developers;
  if (attrs.auto_approve_applications !== undefined) body.auto_approve_applications = attrs.auto_approve_applications;
  if (attrs.default_application_auth_strategy !== undefined) body.default_application_auth_strategy_id = attrs.default_application_auth_strategy;
  if (attrs.default_api_visibility !== undefined && !classic) body.default_api_visibility = attrs.default_api_visibility;
  return body;
}
