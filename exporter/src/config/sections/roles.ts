// The roles an API token can have, weakest first: the auth section validates them, the routes check them.
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
