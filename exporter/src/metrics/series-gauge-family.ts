// Gauges with one series per label set (anomaly scores, bands, risk: ~100k series), rendered
// straight into the Prometheus text format. prom-client re-sorts and re-escapes every label set on
// each scrape (about 0.5 s for 100k series here); this family escapes a label set once, when the
// series first appears, and a scrape only concatenates cached strings.
import { seriesKey, type Labels } from '@sextant/core';

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** One series of a family; keep it to update the value without re-keying the labels. */
export interface SeriesHandle {
  set(value: number): void;
}

interface Entry {
  /** `name{a="1",b="2"} `, escaped once when the series appears. */
  prefix: string;
  /** The series' whole exposition line; empty until its first value (such a series is not shown). */
  line: string;
}

export class SeriesGaugeFamily {
  readonly #series = new Map<string, Entry>();
  readonly #header: string;
  /** The last render, reused by scrapes until a value changes (scrapes outnumber score updates). */
  #rendered: string | undefined;

  constructor(
    readonly name: string,
    readonly help: string,
  ) {
    if (!metricName.test(name)) throw new Error(`SeriesGaugeFamily: "${name}" is not a valid Prometheus metric name`);
    this.#header = `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} gauge\n`;
  }

  /** The series of `labels`, created (and hidden until its first value) if new. */
  series(labels: Labels): SeriesHandle {
    const key = seriesKey(labels);
    let entry = this.#series.get(key);
    if (!entry) {
      for (const name of Object.keys(labels)) {
        if (!labelName.test(name) || name.startsWith('__')) {
          throw new Error(`${this.name}: label name "${name}" is not allowed in the Prometheus exposition format`);
        }
      }
      // seriesKey sorts names and escapes values exactly as the exposition format wants.
      entry = { prefix: `${this.name}${key === '{}' ? '' : key} `, line: '' };
      this.#series.set(key, entry);
    }
    const target = entry;
    return {
      set: (value: number) => {
        target.line = `${target.prefix}${formatValue(value)}\n`;
        this.#rendered = undefined;
      },
    };
  }

  set(labels: Labels, value: number): void {
    this.series(labels).set(value);
  }

  delete(labels: Labels): boolean {
    this.#rendered = undefined;
    return this.#series.delete(seriesKey(labels));
  }

  clear(): void {
    this.#rendered = undefined;
    this.#series.clear();
  }

  get size(): number {
    return this.#series.size;
  }

  /** The family in the Prometheus text exposition format (empty when it has no series). */
  render(): string {
    if (this.#rendered === undefined) {
      let body = '';
      for (const entry of this.#series.values()) body += entry.line;
      this.#rendered = body ? this.#header + body : '';
    }
    return this.#rendered;
  }
}

/** The high-cardinality families of the service, rendered after the prom-client registry on /metrics. */
export class SeriesFamilies {
  readonly #families = new Map<string, SeriesGaugeFamily>();

  gauge(name: string, help: string): SeriesGaugeFamily {
    if (this.#families.has(name)) throw new Error(`SeriesFamilies: "${name}" is already registered`);
    const family = new SeriesGaugeFamily(name, help);
    this.#families.set(name, family);
    return family;
  }

  names(): string[] {
    return [...this.#families.keys()];
  }

  render(): string {
    let text = '';
    for (const family of this.#families.values()) text += family.render();
    return text;
  }
}
