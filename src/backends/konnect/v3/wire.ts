/** The fields of Konnect's v3 answers the adapters read (MAPPING 2, 3.1–3.5). */

export type Labels = Record<string, string>;

export type { StrategyItem } from '../context.js';

export interface ApiItem {
  id: string;
  name: string;
  version: string | null;
  description?: string | null;
  labels?: Labels;
}

export interface PublicationItem {
  api_id: string;
  entity_type?: 'api' | 'api_package';
  auto_approve_registrations?: boolean;
  visibility?: 'public' | 'private';
  auth_strategy_ids?: string[] | null;
}

export interface AppItem {
  id: string;
  name: string;
  description?: string | null;
  auth_strategy?: { id: string };
  owner?: { type: 'developer' | 'team'; id: string };
  labels?: Labels;
}

export interface RegistrationItem {
  id: string;
  status: 'approved' | 'pending' | 'rejected' | 'revoked';
  api: {
    id: string;
    name?: string;
    version?: string | null;
    entity_type?: string;
  };
  application: { id: string };
}

export interface CredentialItem {
  type: 'api_key' | 'client_secret';
  id: string;
  display_name?: string;
  credential?: string;
  status?: string;
  expires_at?: string | null;
  created_at?: string;
}

export interface DeveloperItem {
  id: string;
  email: string;
  full_name: string;
  status: 'approved' | 'pending' | 'revoked' | 'rejected';
}

export interface TeamItem {
  id: string;
  name: string;
  description?: string | null;
  can_own_applications?: boolean;
}

/** A team's member (list-portal-team-developers). */
export interface TeamDeveloperItem {
  id: string;
  email: string;
}

/** A team's assigned role (list-portal-team-roles). */
export interface TeamRoleItem {
  id: string;
  role_name: string;
  entity_id: string;
  entity_type_name?: string;
  entity_region?: string;
}
