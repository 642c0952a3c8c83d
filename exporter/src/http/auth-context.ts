import type { Response } from 'express';
import { ROLES, type Role } from '../config/sections/roles.js';

/** Who is calling: set by the auth middleware on `res.locals.auth` for every /api/ route. */
export interface AuthContext {
  tokenName: string;
  tenant: string;
  role: Role;
}

export function authOf(res: Response): AuthContext {
  const auth = res.locals.auth as AuthContext | undefined;
  if (!auth) throw new Error('authOf: route mounted outside the auth middleware');
  return auth;
}

/** True when `role` may do what `required` allows (admin > editor > viewer). */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
