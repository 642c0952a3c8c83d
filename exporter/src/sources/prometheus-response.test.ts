import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseErrorBody, parseMatrix } from './prometheus-response.js';

test('a matrix answer becomes series in ms, with NaN and infinities as Prometheus writes them', () => {
  const body = JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { __name__: 'up', job: 'a' }, values: [[1700000000, '1'], [1700000015.5, 'NaN'], [1700000030, '+Inf'], [1700000045, '-Inf'], [1700000060, '1e-3']] },
      ],
    },
  });
  const [series] = parseMatrix(body);
  assert.deepEqual(series!.labels, { __name__: 'up', job: 'a' });
  assert.deepEqual(series!.samples.map((s) => s.t), [1700000000000, 1700000015500, 1700000030000, 1700000045000, 1700000060000]);
  assert.deepEqual(series!.samples.map((s) => s.v), [1, NaN, Infinity, -Infinity, 0.001]);
});

test('anything else is refused with what was wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['{"status":"success","data":{"resultType":"matr', /body is not JSON.*starts with/],
    ['<html>bad gateway</html>', /body is not JSON/],
    ['[]', /not a JSON object/],
    ['{"status":"error"}', /status is "error"/],
    ['{"status":"success"}', /"data" is missing/],
    ['{"status":"success","data":{"resultType":"vector","result":[]}}', /resultType is "vector", expected "matrix"/],
    ['{"status":"success","data":{"resultType":"matrix","result":{}}}', /"data.result" is not an array/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":1},"values":[]}]}}', /result\[0\]\.metric\.a is not a string/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,2]]}]}}', /values\[0\] is \[1,2\], expected \[<unix seconds>, "<value>"\]/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[["1","2"]]}]}}', /values\[0\] is \["1","2"\]/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"abc"]]}]}}', /not a number/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,""]]}]}}', /not a number/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{}}]}}', /result\[0\]\.values is not an array/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1," 1"]]}]}}', /not a number/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"0x10"]]}]}}', /not a number/],
    ['{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"Inf"]]}]}}', /not a number/],
  ];
  for (const [body, expected] of cases) assert.throws(() => parseMatrix(body), expected, body);
});

test("Prometheus' error bodies are read for the message", () => {
  assert.deepEqual(parseErrorBody('{"status":"error","errorType":"bad_data","error":"parse error at char 3"}'), {
    errorType: 'bad_data',
    error: 'parse error at char 3',
  });
  assert.equal(parseErrorBody('upstream timed out'), undefined);
});
