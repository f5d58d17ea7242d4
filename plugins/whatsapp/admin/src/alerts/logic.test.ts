import type { ActiveAlert } from '../../../shared/contracts';
import { alertMeasure, visibleAlerts } from './logic';

const alert = (kind: ActiveAlert['kind'], value: number, threshold: number): ActiveAlert => ({ kind, value, threshold, since: '2025-05-01T10:00:00.000Z', emailedAt: null });

describe('alerts banner', () => {
  it('shows the most urgent first and skips kinds it does not know', () => {
    const shown = visibleAlerts([alert('queue-age', 20, 15), { ...alert('failure-rate', 0.5, 0.1), kind: 'disk-full' as never }, alert('failure-rate', 0.5, 0.1), alert('webhook-silence', 90, 60)]);
    expect(shown.map((a) => a.kind)).toEqual(['failure-rate', 'webhook-silence', 'queue-age']);
    expect(visibleAlerts(undefined)).toEqual([]);
  });

  it('measures a failure rate as fractions and a wait in seconds', () => {
    expect(alertMeasure(alert('failure-rate', 0.5, 0.1))).toEqual({ unit: 'rate', value: 0.5, threshold: 0.1 });
    expect(alertMeasure(alert('queue-age', 20, 15))).toEqual({ unit: 'wait', valueSeconds: 1200, thresholdSeconds: 900 });
  });
});
