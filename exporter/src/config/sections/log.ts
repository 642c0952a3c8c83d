import { z } from 'zod';
import { oneOf } from '../fields.js';

export const logSection = z
  .strictObject({
    level: oneOf(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .prefault({});

export type LogConfig = z.output<typeof logSection>;
