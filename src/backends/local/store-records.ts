import type { ApplicationOwner, AuthStrategy, ProductVersion, Registration } from '../../types/config.js';

/** The local portal as stored on disk: Konnect-like records by id, names resolved through ids. */
export interface StoreData {
  format_version: 1;
  auth_strategies: Record<string, StoredAuthStrategy>;
  products: Record<string, StoredProduct>;
  product_versions: Record<string, StoredProductVersion>;
  applications: Record<string, StoredApplication>;
  registrations: Record<string, StoredRegistration>;
  credentials: Record<string, StoredCredential>;
  // Optional tables, written by the emulator (absent in a state only the local backend wrote): the
  // portal, its developers and teams. An absent `portals` is one fresh portal `default` (see portal.ts).
  portals?: Record<string, StoredPortal>;
  developers?: Record<string, StoredDeveloper>;
  teams?: Record<string, StoredTeam>;
  /** Namespace → the commit it was last applied from (written by a complete apply from a git checkout). */
  applied_commits?: Record<string, StoredAppliedCommit>;
}

type Labels = Record<string, string>;
interface Stored {
  labels?: Labels;
  protected: boolean;
  /** Stamped by an engine opened with `stamp` (the emulator); absent in records the local backend wrote. */
  created_at?: string;
  updated_at?: string;
}
export interface StoredAuthStrategy extends Stored {
  name: string;
  display_name: string;
  type: AuthStrategy['type'];
  /** key-auth: key_names, ttl; openid-connect: issuer, credential_claim, scopes, auth_methods. */
  config: Record<string, unknown>;
  labels: Labels;
}
export interface StoredProduct extends Stored {
  name: string;
  description: string;
  labels: Labels;
  /** As a classic (v2) API product: the portals it is published to, and its public labels (absent: none). */
  portal_ids?: string[];
  public_labels?: Labels;
}
export interface StoredProductVersion extends Stored {
  product_id: string;
  name: string;
  description: string;
  publish_status: NonNullable<ProductVersion['publish_status']>;
  visibility: NonNullable<ProductVersion['visibility']>;
  deprecated: boolean;
  registration: { enabled: boolean; auth_strategy_id: string | null; auto_approve: boolean };
  /**
   * As a v3 API: `labels` (from Stored) are the API's own labels (when absent, its product's stand in),
   * `slug` is unique, defaulting to slugify(name + version). The publication is publish_status +
   * visibility + registration.
   */
  slug?: string;
  /**
   * As a classic (v2) version: the id of its portal product version (whose settings are publish_status,
   * deprecated and registration), once one was created. A version has one while this is set or its
   * settings differ from what "none" reads as (unpublished, not deprecated, registration off, no
   * strategy): a record the local backend or the v3 emulator wrote gets an id derived from its own.
   */
  portal_product_version_id?: string;
}
export interface StoredApplication extends Stored {
  reference_id: string;
  name: string;
  description: string;
  owner: { type: ApplicationOwner['type']; name: string } | null;
  /** The owner's id (a developer or team record) when the emulator knows it; `owner.name` stays its email or team name. */
  owner_id?: string;
  auth_strategy_id: string | null;
  labels: Labels;
}
export interface StoredRegistration extends Stored {
  application_id: string;
  product_version_id: string;
  status: NonNullable<Registration['status']>;
}
export interface StoredCredential extends Stored {
  application_id: string;
  name: string;
  /** sha256 of the key, as Konnect keeps it: the key itself is never stored. */
  key_hash: string;
  created_at: string;
  /** From the application's strategy `ttl`, when it has one. */
  expires_at?: string;
}
export interface StoredPortal {
  name: string;
  display_name?: string;
  auto_approve_applications: boolean;
  default_application_auth_strategy_id: string | null;
  authentication_enabled: boolean;
  /** Classic (v2): a public portal's catalog needs no login, and no application can be created in it (absent: false). */
  is_public?: boolean;
  /** Settings kept for portalctl's portal_settings (absent: false, false, private, as a fresh Konnect portal). */
  rbac_enabled?: boolean;
  auto_approve_developers?: boolean;
  default_api_visibility?: 'public' | 'private';
  /** The portal's own labels (the konnect backend keeps the commit each namespace was applied from in one). */
  labels?: Labels;
  created_at?: string;
  updated_at?: string;
}
export interface StoredDeveloper {
  portal_id: string;
  email: string;
  full_name: string;
  status: 'approved' | 'pending' | 'revoked' | 'rejected';
  /** `scrypt:<salt>:<hash>` (base64url), or null for a developer who cannot log in. */
  password_hash: string | null;
  created_at?: string;
  updated_at?: string;
}
export interface StoredTeam {
  portal_id: string;
  name: string;
  description?: string;
  can_own_applications?: boolean;
  /** Developer ids. */
  members?: string[];
  /** Roles assigned to the team (absent: none); `entity_id` is a product version's (as a v3 API). */
  roles?: StoredTeamRole[];
  created_at?: string;
  updated_at?: string;
}
export interface StoredTeamRole {
  id: string;
  role_name: string;
  entity_id: string;
  entity_type_name: string;
  entity_region: string;
}
export interface StoredAppliedCommit {
  commit: string;
  dirty: boolean;
  /** ISO 8601, UTC, to the second. */
  at: string;
}

/** A fresh portal (ISSUE 8 item 5): `default`, authentication on, applications not auto-approved. */
export function freshPortal(): StoredPortal {
  return { name: 'default', display_name: 'default', auto_approve_applications: false, default_application_auth_strategy_id: null, authentication_enabled: true };
}
