import { describe, expect, it } from '@jest/globals';
import { checkWebhookUrl, isPrivateAddress } from './outbound-address-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fd12:3456:789a::1',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::a00:1',
    '64:ff9b:1:a00:1::',
    '2001::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2001:2::1',
    '192.88.99.1',
    '2002:c0a8:0101::1',
    '2001:db8::1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '192.88.98.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001:81b::200e', '2001:4860:4860::8888', '64:ff9b:2::1'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('refuses what is not an address at all', () => {
    expect(isPrivateAddress('localhost')).toBe(true);
  });
});

describe('checkWebhookUrl', () => {
  const resolvesTo = (...addresses: string[]) => async () => addresses;
  const unresolvable = async (): Promise<string[]> => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
  };

  it('accepts a public https URL', async () => {
    expect(await checkWebhookUrl('https://hooks.example.org/project-tracker', false, resolvesTo('93.184.215.14'))).toBeNull();
  });

  it('refuses other schemes and credentials in the URL', async () => {
    expect(await checkWebhookUrl('ftp://hooks.example.org/x', true, resolvesTo('93.184.215.14'))).toMatchObject({ code: 'SUBSCRIPTION.URL_SCHEME' });
    expect(await checkWebhookUrl('not a url', true)).toMatchObject({ code: 'SUBSCRIPTION.URL_SCHEME' });
    expect(await checkWebhookUrl('https://user:pass@hooks.example.org/', true, resolvesTo('93.184.215.14'))).toMatchObject({
      code: 'SUBSCRIPTION.URL_CREDENTIALS',
    });
  });

  it('refuses a host that does not resolve', async () => {
    expect(await checkWebhookUrl('https://nowhere.invalid/', true, unresolvable)).toMatchObject({ code: 'SUBSCRIPTION.URL_UNRESOLVABLE' });
  });

  it('refuses private targets unless private networks are allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:10.0.0.1]/']) {
      expect(await checkWebhookUrl(url, false)).toMatchObject({ code: 'SUBSCRIPTION.URL_PRIVATE_NETWORK' });
      expect(await checkWebhookUrl(url, true)).toBeNull();
    }
  });

  it('refuses a name when any of its addresses is private', async () => {
    const problem = await checkWebhookUrl('https://rebind.example.org/', false, resolvesTo('93.184.215.14', '10.0.0.7'));
    expect(problem).toMatchObject({ code: 'SUBSCRIPTION.URL_PRIVATE_NETWORK' });
    expect(problem!.message).toContain('10.0.0.7');
  });
});
