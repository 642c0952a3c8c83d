// The datasets a report's services table reads, by what they measure.
export const METRICS = {
  up: 'up',
  rate: 'http_requests_per_second',
  errors: 'http_error_ratio',
  p95: 'http_request_duration_p95_seconds',
  p99: 'http_request_duration_p99_seconds',
} as const;
