import type { ComplianceSeries, ComplianceSummary } from '@patchwave/shared';
import { apiRequest, queryString } from './client.js';

/** Filters of every compliance view and report: comma-separated lists, dates as YYYY-MM-DD. */
export interface ComplianceFilter {
  group?: string;
  tag?: string;
  os?: string;
  from?: string;
  to?: string;
}

export type ReportFormat = 'json' | 'csv' | 'pdf';
export type ReportTable = 'metrics' | 'breakdown' | 'overdue-findings' | 'deployments' | 'stale-devices';

export const complianceSummary = (filter: ComplianceFilter, signal?: AbortSignal) =>
  apiRequest<ComplianceSummary>('GET', '/api/v1/compliance/summary', { query: { ...filter }, ...(signal ? { signal } : {}) });

export const complianceSeries = (query: { dimension?: 'all' | 'tag' | 'group' | 'os'; key?: string; days?: number }, signal?: AbortSignal) =>
  apiRequest<ComplianceSeries>('GET', '/api/v1/compliance/series', { query: { ...query }, ...(signal ? { signal } : {}) });

/** Where the report downloads from: a plain link, the browser sends the session cookie. */
export const reportUrl = (filter: ComplianceFilter, format: ReportFormat, table?: ReportTable) =>
  `/api/v1/reports/compliance${queryString({ ...filter, format, ...(format === 'csv' && table ? { table } : {}) })}`;
