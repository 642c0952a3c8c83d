import { PanelPlugin } from '@grafana/data';
import { RecommendationsPanel, type RecommendationsPanelOptions } from './RecommendationsPanel';

export const plugin = new PanelPlugin<RecommendationsPanelOptions>(RecommendationsPanel).setPanelOptions((builder) =>
  builder
    .addBooleanSwitch({ path: 'onlyOpen', name: 'Only open recommendations', defaultValue: true })
    .addNumberInput({ path: 'pageSize', name: 'Per page', defaultValue: 5, settings: { min: 1, integer: true } })
);
