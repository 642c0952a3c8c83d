import { parseVariableQuery } from './variables';

describe('parseVariableQuery', () => {
  it('reads the three variable queries', () => {
    expect(parseVariableQuery('datasets')).toEqual({ kind: 'datasets' });
    expect(parseVariableQuery('')).toEqual({ kind: 'datasets' });
    expect(parseVariableQuery(' labels( http_requests ) ')).toEqual({ kind: 'labels', dataset: 'http_requests' });
    expect(parseVariableQuery('label_values(http_requests, job)')).toEqual({ kind: 'label_values', dataset: 'http_requests', label: 'job' });
  });

  it('says what it expected when the text is none of them', () => {
    expect(() => parseVariableQuery('label_values(http_requests, 1job)')).toThrow(/expected datasets, labels\(<dataset>\)/);
    expect(() => parseVariableQuery('up{job="x"}')).toThrow(/Variable query "up\{job="x"\}"/);
  });
});
