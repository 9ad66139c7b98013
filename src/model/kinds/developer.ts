import type { KindDefinition } from '../kind.js';

export const developer = {
  kind: 'developer',
  noun: 'developer',
  place: { section: 'developers' },
  lifecycle: 'crud',
  // Konnect's developers carry no labels: a declared one is managed, an undeclared one never deleted
  // (a portal's developers mostly sign up themselves; revoking is a status).
  ownership: 'none',
  keyFields: ['email'],
  // No default status: a new developer gets the portal's, and an admin's later approval is not fought over.
  unmanagedWhenAbsent: ['status'],
  // A backend that cannot change a full name points at its line (konnect: update-developer takes only a status).
  locatedFields: ['full_name'],
  definition: 'Developer',
} satisfies KindDefinition<'developer'>;
