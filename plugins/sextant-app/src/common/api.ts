import type { BiQuery, DataFrame } from '@sextant/core';
import type { QueryParams, SextantClient } from './client';
import type {
  AlertAnalysis,
  AlertHistoryEntry,
  AnomalyEvent,
  DatasetInfo,
  IngestStatus,
  Prediction,
  Recommendation,
  ReportInfo,
  SloChoice,
  ThresholdChoice,
} from './types';

/** One function per endpoint of Sextant's API that the plugin uses (paths relative to the service). */

export interface Window {
  from: number;
  to: number;
}

export async function listAnomalies(client: SextantClient, window: Window, params: QueryParams = {}) {
  const body = await client.get<{ anomalies: AnomalyEvent[] }>('/api/v1/anomalies', { ...window, ...params });
  return body.anomalies;
}

export async function listPredictions(client: SextantClient) {
  const body = await client.get<{ predictions: Prediction[] }>('/api/v1/predictions');
  return body.predictions;
}

export async function listRecommendations(client: SextantClient, status?: string) {
  const body = await client.get<{ recommendations: Recommendation[] }>('/api/v1/recommendations', { status });
  return body.recommendations;
}

export function applyRecommendation(client: SextantClient, id: string) {
  return client.post<Recommendation>(`/api/v1/recommendations/${encodeURIComponent(id)}/apply`);
}

export function dismissRecommendation(client: SextantClient, id: string, reason: string) {
  return client.post<Recommendation>(`/api/v1/recommendations/${encodeURIComponent(id)}/dismiss`, { reason });
}

export function sendFeedback(client: SextantClient, id: string, helpful: boolean, comment: string) {
  return client.post<Recommendation>(`/api/v1/recommendations/${encodeURIComponent(id)}/feedback`, { helpful, comment });
}

export function alertAnalysis(client: SextantClient, window: Window) {
  return client.get<AlertAnalysis>('/api/v1/alerts/analysis', { ...window });
}

export async function alertHistory(client: SextantClient, window: Window) {
  const body = await client.get<{ alerts: AlertHistoryEntry[] }>('/api/v1/alerts/history', { ...window });
  return body.alerts;
}

export async function listDatasets(client: SextantClient) {
  const body = await client.get<{ datasets: DatasetInfo[] }>('/api/v1/datasets');
  return body.datasets;
}

export async function labelValues(client: SextantClient, dataset: string, label: string) {
  const path = `/api/v1/datasets/${encodeURIComponent(dataset)}/labels/${encodeURIComponent(label)}/values`;
  const body = await client.get<{ values: string[] }>(path);
  return body.values;
}

export async function ingestStatus(client: SextantClient) {
  const body = await client.get<{ datasets: IngestStatus[] }>('/api/v1/ingest/status');
  return body.datasets;
}

export async function runQuery(client: SextantClient, query: BiQuery) {
  const body = await client.post<{ frames: DataFrame[] }>('/api/v1/query', query);
  return body.frames;
}

export async function previewRules(client: SextantClient, slos: SloChoice[], thresholds: ThresholdChoice[]) {
  const body = await client.post<{ yaml: string }>('/api/v1/rules/preview', { slos, thresholds });
  return body.yaml;
}

export async function listReports(client: SextantClient) {
  const body = await client.get<{ reports: ReportInfo[] }>('/api/v1/reports');
  return body.reports;
}

export function generateReport(client: SextantClient, window: Window) {
  return client.post<ReportInfo>('/api/v1/reports', { ...window });
}

export function reportUrl(client: SextantClient, id: string, format: string) {
  return client.url(`/api/v1/reports/${encodeURIComponent(id)}`, { format });
}
