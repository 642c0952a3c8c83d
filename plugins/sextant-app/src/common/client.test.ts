import { toSextantError } from './client';

describe('toSextantError', () => {
  it('carries Sextant\'s own reason and the status', () => {
    const error = toSextantError({ status: 400, data: { error: 'query.bucket: "2h" is not a bucket' }, config: { url: '' } }, 'POST /api/v1/query');
    expect(error.message).toBe('POST /api/v1/query failed (400): query.bucket: "2h" is not a bucket');
    expect(error.status).toBe(400);
  });

  it('falls back to Grafana\'s proxy message, then to the status text', () => {
    expect(toSextantError({ status: 502, data: { message: 'data proxy: connection refused' }, config: { url: '' } }, 'GET /x').message).toBe(
      'GET /x failed (502): data proxy: connection refused'
    );
    expect(toSextantError({ status: 500, statusText: 'Internal Server Error', data: '', config: { url: '' } }, 'GET /x').message).toBe(
      'GET /x failed (500): Internal Server Error'
    );
    expect(toSextantError(new Error('offline'), 'GET /x').message).toBe('GET /x failed: offline');
  });
});
