import type { Sender } from '../../../shared/contracts';
import { lastCheck, qualityVariant } from './quality';

describe('sender quality badge', () => {
  it('colours Meta and Twilio ratings alike and shows anything else in grey', () => {
    expect(['GREEN', 'HIGH', 'YELLOW', 'medium', 'RED', 'LOW'].map(qualityVariant)).toEqual(['success', 'success', 'warning', 'warning', 'danger', 'danger']);
    expect(['UNKNOWN', 'NA', 'SOMETHING_NEW', null, undefined].map(qualityVariant)).toEqual(['neutral', 'neutral', 'neutral', 'neutral', 'neutral']);
  });

  it('reads the last stored check, or none when the sender was never checked', () => {
    const base = { checkedAt: null, checkStatus: null, checkError: null } as unknown as Sender;
    expect(lastCheck(base)).toBeNull();
    expect(lastCheck({ ...base, checkedAt: '2025-05-01T10:00:00.000Z', checkStatus: 'credentials-refused', checkError: 'Meta refused' })).toEqual({
      ok: false,
      at: '2025-05-01T10:00:00.000Z',
      status: 'credentials-refused',
      error: 'Meta refused',
    });
  });
});
