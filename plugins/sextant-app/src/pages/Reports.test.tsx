import React from 'react';
import { render, screen } from '@testing-library/react';
import { SextantClient } from '../common/client';
import type { ReportInfo } from '../common/types';
import { describePeriod, ReportDownloads } from './Reports';

const BASE = '/api/plugin-proxy/sextant-insights-app/sextant';
const report = (format: ReportInfo['format'], extra: Partial<ReportInfo> = {}): ReportInfo => ({
  id: `weekly-2026-11-16-${format}-1a2b3c4d`,
  period: 'weekly',
  format,
  from: '2026-11-16T00:00:00.000Z',
  to: '2026-11-23T00:00:00.000Z',
  createdAt: '2026-11-25T09:00:00.000Z',
  partial: false,
  trigger: 'schedule',
  status: 'ok',
  download: `/api/v1/reports/weekly-2026-11-16-${format}-1a2b3c4d/download`,
  ...extra,
});

describe('Reports', () => {
  it('names the days a report covers (the API gives an exclusive end)', () => {
    expect(describePeriod(report('html'))).toBe('weekly, 2026-11-16 to 2026-11-22');
    expect(describePeriod({ ...report('html'), period: 'daily', to: '2026-11-17T00:00:00.000Z' })).toBe('daily, 2026-11-16');
    // A report of the week running when it was made says up to when it counts.
    expect(describePeriod(report('html', { from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z', partial: true }))).toBe(
      'weekly, 2026-11-23 to 2026-11-29 (partial: up to 2026-11-25 09:00 UTC)',
    );
  });

  it('offers one file of a one-file report, saved under its name and never routed by Grafana', () => {
    render(<ReportDownloads client={new SextantClient(BASE)} report={report('html', { bytes: 4013 })} />);
    const link = screen.getByRole('link', { name: /Download/ });
    expect(link.getAttribute('href')).toBe(`${BASE}/api/v1/reports/weekly-2026-11-16-html-1a2b3c4d/download`);
    expect(link.getAttribute('download')).toBe('weekly-2026-11-16-html-1a2b3c4d.html');
    expect(link.getAttribute('target')).toBeTruthy();
  });

  it('offers each table of a csv report as its own file', () => {
    render(<ReportDownloads client={new SextantClient(BASE)} report={report('csv', { tables: ['services', 'alert_rules'] })} />);
    const links = screen.getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual([
      `${BASE}/api/v1/reports/weekly-2026-11-16-csv-1a2b3c4d/download?table=services`,
      `${BASE}/api/v1/reports/weekly-2026-11-16-csv-1a2b3c4d/download?table=alert_rules`,
    ]);
    expect(links.map((l) => l.getAttribute('download'))).toEqual(['weekly-2026-11-16-csv-1a2b3c4d-services.csv', 'weekly-2026-11-16-csv-1a2b3c4d-alert_rules.csv']);
  });

  it('offers nothing for a failed report', () => {
    const { container } = render(<ReportDownloads client={new SextantClient(BASE)} report={report('pdf', { status: 'error', error: 'no chromium', download: undefined })} />);
    expect(container.querySelector('a')).toBeNull();
  });
});
