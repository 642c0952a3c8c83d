/** A firing period of one alert for one entity, as the alert history holds it. */
export interface AlertPeriod {
  entity: string;
  alertname: string;
  severity: string;
  /** Unix ms. */
  startsAt: number;
  /** Unix ms; undefined while the alert still fires. */
  endsAt?: number;
}

/** Alerts grouped per entity, each list sorted by start. */
export function alertsByEntity(alerts: readonly AlertPeriod[]): Map<string, AlertPeriod[]> {
  const out = new Map<string, AlertPeriod[]>();
  for (const alert of alerts) {
    const list = out.get(alert.entity) ?? [];
    list.push(alert);
    out.set(alert.entity, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.startsAt - b.startsAt);
  return out;
}
