import type { ActiveAlert } from '../../../shared/contracts';
import { alertMeasure, isEventAlert, visibleAlerts } from './logic';

const alert = (kind: ActiveAlert['kind'], value: number, threshold: number): ActiveAlert => ({ kind, value, threshold, since: '2025-05-01T10:00:00.000Z', emailedAt: null });

describe('alerts banner', () => {
  it('shows the most urgent first and skips kinds it does not know', () => {
    const shown = visibleAlerts([alert('queue-age', 20, 15), { ...alert('failure-rate', 0.5, 0.1), kind: 'disk-full' as never }, alert('failure-rate', 0.5, 0.1), alert('webhook-silence', 90, 60)]);
    expect(shown.map((a) => a.kind)).toEqual(['failure-rate', 'webhook-silence', 'queue-age']);
    expect(visibleAlerts(undefined)).toEqual([]);
  });

  it('puts a restricted account first and a fallen quality after failing messages', () => {
    const shown = visibleAlerts([alert('queue-age', 20, 15), { ...alert('sender-quality', 0, 0), detail: 'FLAGGED' }, alert('failure-rate', 0.5, 0.1), { ...alert('account-restricted', 0, 0), detail: 'ACCOUNT_VIOLATION' }]);
    expect(shown.map((a) => a.kind)).toEqual(['account-restricted', 'failure-rate', 'sender-quality', 'queue-age']);
    expect(isEventAlert(shown[0])).toBe(true);
    expect(isEventAlert(shown[1])).toBe(false);
  });

  it('measures a failure rate as fractions and a wait in seconds', () => {
    expect(alertMeasure(alert('failure-rate', 0.5, 0.1))).toEqual({ unit: 'rate', value: 0.5, threshold: 0.1 });
    expect(alertMeasure(alert('queue-age', 20, 15))).toEqual({ unit: 'wait', valueSeconds: 1200, thresholdSeconds: 900 });
  });
});
