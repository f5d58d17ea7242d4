import { ProviderError } from '../errors';
import { SandboxError, createSandboxProvider, type SandboxFailure } from './client';
import type { OutboundMessage } from '../types';

const message: OutboundMessage = { id: 1, to: '+525512345678', from: '+14155238886', body: 'Hola' };

describe('sandbox provider', () => {
  it('is named sandbox and answers with a unique sandbox id', async () => {
    const provider = createSandboxProvider();
    expect(provider.name).toBe('sandbox');
    const first = await provider.send(message);
    const second = await provider.send(message);
    expect(first.providerMessageId).toMatch(/^sandbox-[0-9a-f-]{36}$/);
    expect(second.providerMessageId).not.toBe(first.providerMessageId);
  });

  it('validates like a real provider', async () => {
    const provider = createSandboxProvider();
    await expect(provider.send({ ...message, body: undefined })).rejects.toThrow('has no text, template or media');
    await expect(provider.send({ ...message, to: 'nope' })).rejects.toThrow('E.164');
    const error = await provider.send({ ...message, to: 'nope' }).catch((caught: unknown) => caught);
    expect(provider.classify(error)).toEqual({ kind: 'permanent' });
  });

  it.each<SandboxFailure>([
    { code: '131047', kind: 'outside-window', message: 'Re-engagement message' },
    { code: '131050', kind: 'opted-out', message: 'User stopped marketing messages' },
    { code: '131000', kind: 'transient', message: 'Something went wrong' },
    { code: '131026', kind: 'permanent', message: 'Undeliverable' },
  ])('fails on demand with $kind', async (failure) => {
    const provider = createSandboxProvider({ failWith: () => failure });
    const error = await provider.send(message).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'sandbox', code: failure.code, message: failure.message });
    expect(provider.classify(error)).toEqual({ kind: failure.kind });
  });

  it('passes a rate limit delay on', async () => {
    const provider = createSandboxProvider({
      failWith: () => ({ code: '130429', kind: 'rate-limited', message: 'Rate limit hit', retryAfterSeconds: 30 }),
    });
    const error = await provider.send(message).catch((caught: unknown) => caught);
    expect(provider.classify(error)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 30 });
  });

  it('can fail only some messages (failWith sees the message)', async () => {
    const provider = createSandboxProvider({
      failWith: (outbound) => (outbound.to.endsWith('0000') ? { code: 'X', kind: 'permanent', message: 'nope' } : undefined),
    });
    await expect(provider.send(message)).resolves.toHaveProperty('providerMessageId');
    await expect(provider.send({ ...message, to: '+525512340000' })).rejects.toThrow('nope');
  });

  it('classifies unexpected errors as permanent', () => {
    expect(createSandboxProvider().classify(new Error('?'))).toEqual({ kind: 'permanent' });
  });
});
