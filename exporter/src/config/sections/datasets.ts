import { z } from 'zod';
import { duration, flag, name, text } from '../fields.js';

const dataset = z.strictObject({
  name: name('dataset'),
  /** PromQL expression; its result series are the dataset's series. */
  query: text('a PromQL expression'),
  /** Labels kept from each result series (the others are dropped). */
  keepLabels: z.array(text('a label name')).describe('a list of label names').default([]),
  /** Resolution of the points; defaults to ingest.step. */
  step: duration().optional(),
  tenant: name('tenant').optional(),
});

export const datasetsSection = z
  .strictObject({
    /** The built-in pack: node_exporter, RED metrics and up (Prometheus source only). */
    defaultPack: flag().default(true),
    /** Tenant of the default pack, the demo datasets, and custom datasets that set none. */
    tenant: name('tenant').default('default'),
    custom: z
      .array(dataset)
      .describe('a list of datasets')
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Map<string, number>();
        list.forEach((d, i) => {
          const key = `${d.tenant ?? ''}/${d.name}`;
          const first = seen.get(key);
          if (first !== undefined) {
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${d.name}" is already the name of datasets.custom[${first}]` });
          } else seen.set(key, i);
        });
      }),
  })
  .prefault({});

export type DatasetsConfig = z.output<typeof datasetsSection>;
