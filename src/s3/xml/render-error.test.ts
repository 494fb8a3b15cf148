import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderError } from './render-error.js';

test('Error: the four standard elements, no namespace', () => {
  assert.equal(
    renderError({ code: 'NoSuchBucket', message: 'The specified bucket does not exist', resource: '/mybucket', requestId: '4442587FB7D0A2F9' }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>' +
      '<Resource>/mybucket</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>',
  );
});

test('Error: extra elements follow Message in insertion order; HostId last', () => {
  assert.equal(
    renderError({
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
      requestId: 'R',
      hostId: 'H',
      extra: {
        StringToSign: 'AWS4-HMAC-SHA256\n20240101T000000Z\n<scope>',
        CanonicalRequest: 'GET\n/\n\nhost:x\n\nhost\nUNSIGNED-PAYLOAD',
        BucketName: 'b',
      },
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Error><Code>SignatureDoesNotMatch</Code>' +
      '<Message>The request signature we calculated does not match the signature you provided.</Message>' +
      '<StringToSign>AWS4-HMAC-SHA256\n20240101T000000Z\n&lt;scope&gt;</StringToSign>' +
      '<CanonicalRequest>GET\n/\n\nhost:x\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest>' +
      '<BucketName>b</BucketName><RequestId>R</RequestId><HostId>H</HostId></Error>',
  );
});

test('Error: extras that would clash or are not element names are dropped', () => {
  assert.equal(
    renderError({
      code: 'InvalidArgument',
      message: 'bad',
      requestId: 'R',
      extra: { ArgumentName: 'x-amz-foo', ArgumentValue: 'a"b', Code: 'spoof', 'not a name': 'x', '<x>': 'y' },
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Error><Code>InvalidArgument</Code><Message>bad</Message>' +
      '<ArgumentName>x-amz-foo</ArgumentName><ArgumentValue>a&quot;b</ArgumentValue><RequestId>R</RequestId></Error>',
  );
});
