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
}

type Labels = Record<string, string>;
interface Stored {
  labels?: Labels;
  protected: boolean;
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
}
export interface StoredProductVersion extends Stored {
  product_id: string;
  name: string;
  description: string;
  publish_status: NonNullable<ProductVersion['publish_status']>;
  visibility: NonNullable<ProductVersion['visibility']>;
  deprecated: boolean;
  registration: { enabled: boolean; auth_strategy_id: string | null; auto_approve: boolean };
}
export interface StoredApplication extends Stored {
  reference_id: string;
  name: string;
  description: string;
  owner: { type: ApplicationOwner['type']; name: string } | null;
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
}
