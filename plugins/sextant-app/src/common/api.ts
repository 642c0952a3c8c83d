import type { BiQuery, DataFrame } from '@sextant/core';
import type { QueryParams, SextantClient } from './client';
import type {
  AlertAnalysis,
  AlertEvent,
  AnomalyEvent,
  ApiAnomalyEvent,
  AuditPage,
  DatasetInfo,
  IngestRun,
  ReferenceTableInfo,
  Prediction,
  PredictionModel,
  Recommendation,
  RecommendationStatus,
  ReportInfo,
} from './types';

/** One function per endpoint of Sextant's API that the plugin uses (paths relative to the service). */

export interface Window {
  from: number;
  to: number;
}

/** The service answers at most this many events per request. */
const ANOMALY_LIMIT = 1000;

export async function listAnomalies(client: SextantClient, window: Window, params: QueryParams = {}): Promise<AnomalyEvent[]> {
  const body = await client.get<{ anomalies: ApiAnomalyEvent[] }>('/api/v1/anomalies', { ...window, limit: ANOMALY_LIMIT, ...params });
  return body.anomalies.map(({ explanation, start, end, peakAt, ...event }) => ({
    ...event,
    ...explanation,
    start: Date.parse(start),
    end: Date.parse(end),
    peakAt: Date.parse(peakAt),
  }));
}

export async function listPredictions(client: SextantClient) {
  const body = await client.get<{ predictions: Prediction[] }>('/api/v1/predictions');
  return body.predictions;
}

/** The stored failure models, newest first. */
export async function listModels(client: SextantClient, limit: number) {
  const body = await client.get<{ models: PredictionModel[] }>('/api/v1/predictions/models', { limit });
  return body.models;
}

/** Ranked, best first; `statuses` defaults to the service's (open). */
export async function listRecommendations(client: SextantClient, statuses?: RecommendationStatus[]) {
  const body = await client.get<{ recommendations: Recommendation[] }>('/api/v1/recommendations', { status: statuses?.join(',') });
  return body.recommendations;
}

const recommendationPath = (id: string, action: string) => `/api/v1/recommendations/${encodeURIComponent(id)}/${action}`;

/** Marks it applied (done by hand); running an action webhook stays an explicit API call. */
export function applyRecommendation(client: SextantClient, id: string) {
  return client.post<{ recommendation: Recommendation }>(recommendationPath(id, 'apply'));
}

export function dismissRecommendation(client: SextantClient, id: string) {
  return client.post<{ recommendation: Recommendation }>(recommendationPath(id, 'dismiss'));
}

export function sendFeedback(client: SextantClient, id: string, helpful: boolean, comment?: string) {
  return client.post<{ recorded: boolean }>(recommendationPath(id, 'feedback'), comment ? { helpful, comment } : { helpful });
}

export function alertAnalysis(client: SextantClient, window: Window) {
  return client.get<AlertAnalysis>('/api/v1/alerts/analysis', { ...window });
}

export async function alertHistory(client: SextantClient, window: Window) {
  const body = await client.get<{ events: AlertEvent[] }>('/api/v1/alerts/history', { ...window });
  return body.events;
}

export async function listDatasets(client: SextantClient) {
  const body = await client.get<{ datasets: DatasetInfo[] }>('/api/v1/datasets');
  return body.datasets;
}

export async function listReferenceTables(client: SextantClient) {
  const body = await client.get<{ tables: ReferenceTableInfo[] }>('/api/v1/reference');
  return body.tables;
}

export async function ingestRuns(client: SextantClient, limit: number) {
  const body = await client.get<{ runs: IngestRun[] }>('/api/v1/ingest-runs', { limit });
  return body.runs;
}

export async function runQuery(client: SextantClient, query: BiQuery) {
  const body = await client.query<{ frames: DataFrame[] }>('/api/v1/query', query);
  return body.frames;
}

export async function listReports(client: SextantClient) {
  const body = await client.get<{ reports: ReportInfo[] }>('/api/v1/reports');
  return body.reports;
}

/** Generates the last complete week's report as one self-contained HTML file. */
export async function generateWeeklyReport(client: SextantClient) {
  const body = await client.post<{ report: ReportInfo }>('/api/v1/reports', { period: 'weekly', format: 'html' });
  return body.report;
}

/** The report's file; csv and parquet reports have one file per table. */
export function reportUrl(client: SextantClient, id: string, table?: string) {
  return client.url(`/api/v1/reports/${encodeURIComponent(id)}/download`, { table });
}

export interface AuditFilter {
  action?: string;
  token?: string;
  result?: string;
  before?: string;
}

/** A page of the audit log, newest first (admins only: `client` is the app's admin route). */
export function listAudit(client: SextantClient, filter: AuditFilter, limit = 50) {
  return client.get<AuditPage>('/api/v1/audit', { limit, ...filter });
}
