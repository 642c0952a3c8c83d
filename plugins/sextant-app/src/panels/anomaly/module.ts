import { PanelPlugin } from '@grafana/data';
import { AnomalyPanel, type AnomalyPanelOptions } from './AnomalyPanel';

export const plugin = new PanelPlugin<AnomalyPanelOptions>(AnomalyPanel).setPanelOptions((builder) =>
  builder
    .addNumberInput({ path: 'maxSeries', name: 'Series shown', description: 'Drawn one under the other', defaultValue: 4, settings: { min: 1, integer: true } })
    .addBooleanSwitch({ path: 'showLegend', name: 'Legend', defaultValue: true })
);
