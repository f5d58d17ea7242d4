import type { Core } from '@strapi/strapi';
import { createEmailChannel } from './channels/email';
import { createSmsChannel } from './channels/sms';
import { PROVIDERS, createRegistry, providerModule } from './registry';
import { createSandboxProvider } from './sandbox/client';

describe('the provider registry', () => {
  it('maps each provider name to its folder, with an error table whose rows say class, meaning and remedy', () => {
    expect(Object.keys(PROVIDERS).sort()).toEqual(['meta', 'sandbox', 'twilio']);
    expect(providerModule('meta')?.name).toBe('meta');
    expect(providerModule('constructor')).toBeUndefined();
    for (const provider of [PROVIDERS.meta, PROVIDERS.twilio]) {
      for (const [code, rule] of Object.entries(provider.errors)) {
        expect({ code, kind: typeof rule.kind, reason: rule.reason.length > 5, remedy: rule.remedy.length > 5 }).toEqual({ code, kind: 'string', reason: true, remedy: true });
      }
    }
  });

  it('knows which codes may fall back to SMS / email (the table says it), the sandbox both providers\'', () => {
    const fallbacks = (table: Readonly<Record<string, { fallback?: boolean }>>) => Object.keys(table).filter((code) => table[code].fallback).sort();
    expect(fallbacks(PROVIDERS.meta.errors)).toEqual(['131026']);
    expect(fallbacks(PROVIDERS.twilio.errors)).toEqual(['63003', '63024', '63032']);
    expect(PROVIDERS.meta.canFallBack('131026')).toBe(true);
    expect(PROVIDERS.meta.canFallBack('131050')).toBe(false);
    expect(PROVIDERS.twilio.canFallBack('21610')).toBe(false);
    expect(PROVIDERS.sandbox.canFallBack('63003')).toBe(true);
    expect(PROVIDERS.sandbox.canFallBack(undefined)).toBe(false);
  });

  it('sends through the sandbox in sandbox mode, with the configured failure', async () => {
    const registry = createRegistry({ strapi: {} as Core.Strapi });
    const client = registry.forSender({ provider: 'meta' }, { sandbox: true, sandboxFailure: { code: '131026', kind: 'permanent' } });
    expect(client.name).toBe('sandbox');
    await expect(client.send({ id: 1, to: '+525512345678', from: 'x', body: 'hola' })).rejects.toMatchObject({ code: '131026' });
    expect(() => registry.forSender({ provider: 'nope' }, { sandbox: false })).toThrow(/Unknown provider nope/);
  });

  it('gives the fallback channels; email goes through the email plugin, outside the sandbox', async () => {
    const sent: unknown[] = [];
    const strapi = { plugin: () => ({ service: () => ({ send: async (mail: unknown) => sent.push(mail) }) }) } as unknown as Core.Strapi;
    const registry = createRegistry({ strapi });
    const email = registry.channel('email', { sandbox: false })!;
    const letter = { id: 7, to: '+525512345678', from: '+14155238886', email: 'ana@example.com', text: 'Su pedido\nllegó' };
    expect(email.canReach({ ...letter, email: null })).toBe(false);
    await expect(email.send(letter)).resolves.toMatchObject({ provider: 'email', providerMessageId: expect.stringMatching(/^email-7-/) });
    expect(sent).toEqual([{ to: 'ana@example.com', subject: 'Su pedido', text: 'Su pedido\nllegó' }]);
    expect(await registry.channel('sms', { sandbox: true })!.send(letter)).toMatchObject({ provider: 'sandbox' });
  });
});

describe('channels', () => {
  it('SMS sends the text from the SMS number, else the sender number', async () => {
    const client = createSandboxProvider({});
    const spy = jest.spyOn(client, 'send');
    await createSmsChannel({ client, from: '+15005550006' }).send({ id: 1, to: '+525512345678', from: '+14155238886', text: 'hola' });
    await createSmsChannel({ client }).send({ id: 2, to: '+525512345678', from: '+14155238886', text: 'hola' });
    expect(spy.mock.calls.map(([message]) => message.from)).toEqual(['+15005550006', '+14155238886']);
  });

  it('email in the sandbox sends nothing', async () => {
    const send = jest.fn();
    const result = await createEmailChannel({ sandbox: true, send }).send({ id: 1, to: '+52', from: 'x', email: 'a@b.c', text: 'hola' });
    expect(result.provider).toBe('sandbox');
    expect(send).not.toHaveBeenCalled();
  });
});
