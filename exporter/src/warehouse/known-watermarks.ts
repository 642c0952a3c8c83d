// The watermark of every dataset, kept in memory by the process that writes them. DuckDB allows
// one writing process per file and only replaceWindow moves a watermark, so the copy stays exact as
// long as it is loaded at open and learns each move after its commit. GET /datasets and the ingest
// job then read no watermark from the tables: listing a tenant's datasets took one read per dataset
// (16 in the demo), which held the reading connections other requests wait for
// (bench/results/soak.md). A few dozen bytes per dataset.

export class KnownWatermarks {
  private readonly byTenant = new Map<string, Map<string, number>>();

  /** Replaces what is known with the stored rows (at open). */
  load(rows: readonly { tenant: string; dataset: string; watermark: number }[]): void {
    this.byTenant.clear();
    for (const r of rows) this.moved(r.tenant, r.dataset, r.watermark);
  }

  of(tenant: string, dataset: string): number | undefined {
    return this.byTenant.get(tenant)?.get(dataset);
  }

  /** Every dataset of the tenant with a watermark (a copy). */
  ofTenant(tenant: string): Map<string, number> {
    return new Map(this.byTenant.get(tenant));
  }

  /** After a commit that moved the dataset's watermark (it only moves forward). */
  moved(tenant: string, dataset: string, watermark: number): void {
    let datasets = this.byTenant.get(tenant);
    if (!datasets) this.byTenant.set(tenant, (datasets = new Map()));
    datasets.set(dataset, Math.max(watermark, datasets.get(dataset) ?? -Infinity));
  }
}
