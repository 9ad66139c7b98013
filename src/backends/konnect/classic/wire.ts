/** The fields of Konnect's classic (v2) answers the adapters read (MAPPING 4.0–4.5). */

export type Labels = Record<string, string>;

/** `get-portal` (portal-management v2). */
export interface ClassicPortalItem {
  id: string;
  name: string;
  default_domain?: string;
  custom_domain?: string | null;
  is_public?: boolean;
  auto_approve_applications?: boolean;
  default_application_auth_strategy_id?: string | null;
}

/** `APIProduct` (api-products v2). */
export interface ProductItem {
  id: string;
  name: string;
  description?: string | null;
  portal_ids?: string[];
  portals?: { portal_id: string }[];
  labels?: Labels;
}

/** `APIProductVersion`: its `portals[]` already carries the per-portal settings. */
export interface VersionItem {
  id: string;
  name: string;
  labels?: Labels;
  portals?: {
    portal_id: string;
    publish_status: 'published' | 'unpublished';
    deprecated: boolean;
    application_registration_enabled: boolean;
    auto_approve_registration: boolean;
    auth_strategies?: { id: string }[];
  }[];
}

/** `PortalProductVersion` (portal-management v2). */
export interface PortalVersionItem {
  id: string;
  product_version_id: string;
}

/** Admin `Application`: the developer who made it through the Portal API is its owner. */
export interface AppItem {
  id: string;
  name: string;
  description?: string | null;
  reference_id: string;
  developer: { id: string; email: string };
  auth_strategy?: { id: string };
}

/** Admin registration list item. */
export interface RegistrationItem {
  id: string;
  status: 'approved' | 'pending' | 'rejected' | 'revoked';
  product_version: { id: string };
  application: { id: string };
}

/** Client registration create answer. */
export interface ClientRegistrationItem {
  id: string;
  status: RegistrationItem['status'];
  product_version_id: string;
}

/** Classic credentials are shaped as v3's (MAPPING 4.5). */
export type { CredentialItem } from '../v3/wire.js';

/** `PortalDeveloper` (list-portal-developers, update-developer): the admin API cannot create one. */
export type { DeveloperItem } from '../v3/wire.js';

/** `PortalTeamResponse`: a classic team has a name only (no description, no can_own_applications). */
export interface TeamItem {
  id: string;
  name: string;
}

/** A team's member (`BasicDeveloper`, list-portal-team-developers) and assigned role (`PortalAssignedRoleResponse`): shaped as v3's. */
export type { TeamDeveloperItem, TeamRoleItem } from '../v3/wire.js';
