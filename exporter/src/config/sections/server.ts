import { z } from 'zod';
import { duration, integer, text } from '../fields.js';

export const serverSection = z
  .strictObject({
    /** Address to listen on: 0.0.0.0 for every interface, 127.0.0.1 for this machine only. */
    listen: text('an IP address or host name').default('0.0.0.0'),
    port: integer(1, 65535).default(9890),
    /** Largest request body accepted; bigger ones get 413. */
    bodyLimitBytes: integer(1, 1_073_741_824).default(1_048_576),
    /** Deepest nesting of arrays and objects in a JSON body; deeper ones get 400. */
    bodyMaxDepth: integer(1, 1000).default(32),
    /** A request still running after this gets 503. */
    requestTimeout: duration().prefault('30s'),
    /** How long shutdown waits for in-flight requests and job runs before giving up. */
    shutdownTimeout: duration().prefault('30s'),
  })
  .prefault({});

export type ServerConfig = z.output<typeof serverSection>;
