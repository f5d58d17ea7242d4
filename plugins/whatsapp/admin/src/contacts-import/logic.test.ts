import { errorsCsv, isFinished, progressPercent, statusBadgeVariant } from './logic';

describe('contacts import screen logic', () => {
  it('progress from the bytes read, 100 only when completed, 0 without a size', () => {
    expect(progressPercent({ status: 'running', bytesRead: 250, fileSize: 1000 })).toBe(25);
    expect(progressPercent({ status: 'running', bytesRead: 1000, fileSize: 1000 })).toBe(99);
    expect(progressPercent({ status: 'running', bytesRead: 5000, fileSize: 1000 })).toBe(99);
    expect(progressPercent({ status: 'completed', bytesRead: 0, fileSize: 1000 })).toBe(100);
    expect(progressPercent({ status: 'queued', bytesRead: 0, fileSize: null })).toBe(0);
    expect(progressPercent({ status: 'running', bytesRead: -3, fileSize: 10 })).toBe(0);
  });

  it('finished statuses and badge colours', () => {
    expect(['queued', 'running', 'completed', 'failed'].map((s) => isFinished(s as never))).toEqual([false, false, true, true]);
    expect(statusBadgeVariant('failed')).toBe('danger');
    expect(statusBadgeVariant('completed')).toBe('success');
  });

  it('errors as CSV: BOM, quoted cells, formulas defused', () => {
    const csv = errorsCsv(
      [
        { row: 4, column: 'teléfono', reason: '"12": too short, try again' },
        { row: 9, column: '=cmd', reason: '-1' },
      ],
      ['fila', 'columna', 'motivo']
    );
    expect(csv).toBe('\uFEFFfila,columna,motivo\r\n4,teléfono,"""12"": too short, try again"\r\n9,\'=cmd,\'-1\r\n');
  });
});
