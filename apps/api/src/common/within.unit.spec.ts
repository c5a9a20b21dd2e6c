import { within } from './within.js';

describe('within', () => {
  it('answers what the work answers when it settles in time', async () => {
    await expect(within(1_000, Promise.resolve(42))).resolves.toBe(42);
  });

  it('passes on the failure of work that fails in time', async () => {
    await expect(within(1_000, Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });

  it('rejects, naming the limit, when the work does not settle in time', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(within(20, never)).rejects.toThrow('no answer within 20 ms');
  });

  it('leaves no timer running once the work has answered', async () => {
    const before = process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    await within(60_000, Promise.resolve('done'));
    expect(process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length).toBe(before);
  });
});
