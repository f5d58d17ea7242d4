/**
 * In-doubt sends with WHATSAPP_IN_DOUBT=resend: a message left `sending` by a worker that died
 * mid-request (its lease expired more than the grace period ago) is queued again and sent, where
 * the default (`hold`, in dispatcher-instances.test.ts) marks it `unknown` for staff to check.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { messageRow, UID, waitForStatus } from './helpers/whatsapp';
import { messageFixture } from './helpers/factories';

describe('in-doubt sends, WHATSAPP_IN_DOUBT=resend', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startStrapi({ env: { WHATSAPP_SANDBOX: 'true', WHATSAPP_IN_DOUBT: 'resend', WHATSAPP_IN_DOUBT_GRACE_SECONDS: '1' } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** A row as a worker killed mid-request leaves it: `sending`, leased by that worker. */
  const inDoubt = async (leaseUntil: Date) => {
    const contact = await app.strapi.plugin('whatsapp').service('contacts').findOrCreate('+525512345678');
    const sender = await app.strapi.db.query(UID.sender as any).findOne({ where: { provider: 'sandbox' } });
    return messageFixture(app.strapi, {
      contactId: contact.contact.id,
      senderId: sender?.id ?? null,
      deliveryStatus: 'sending',
      attempts: 1,
      sentAt: null,
      leaseOwner: 'worker-killed-mid-request',
      leaseUntil,
    });
  };

  it('a message whose lease expired past the grace is queued again and sent; one still leased is left alone', async () => {
    const expired = await inDoubt(new Date(Date.now() - 60_000));
    const leased = await inDoubt(new Date(Date.now() + 10 * 60_000));

    // The sweep runs every few seconds; then the dispatcher sends what it queued again.
    const sent = await waitForStatus(app.strapi, expired.id, ['sent'], 30_000);
    expect(sent).toMatchObject({ deliveryStatus: 'sent', errorCode: null });
    expect(sent.leaseOwner).toBeNull();
    expect(sent.providerMessageId).toBeTruthy();
    const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: expired.id } });
    expect(attempts.map((a: any) => a.outcome)).toEqual(['sent']);

    // Never `unknown` (that is the hold mode), and a live lease belongs to its worker.
    const untouched = await messageRow(app.strapi, leased.id);
    expect(untouched).toMatchObject({ deliveryStatus: 'sending', leaseOwner: 'worker-killed-mid-request' });
  });
});
