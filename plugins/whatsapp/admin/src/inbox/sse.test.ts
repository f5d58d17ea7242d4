import { createSseParser } from './sse';

/** Feeds the chunks one by one and collects every frame. */
const feed = (chunks: string[]) => {
  const parser = createSseParser();
  const frames = chunks.flatMap((chunk) => parser.push(chunk));
  return { parser, frames };
};

const STREAM =
  'retry: 3000\n: connected\n\n' +
  'id: 1\nevent: conversation.updated\ndata: {"id":7,"unreadCount":2}\n\n' +
  ': heartbeat 2025-01-01T00:00:00.000Z\n\n' +
  'id: 2\nevent: message.status\ndata: {"id":40,"status":"read"}\n\n';

const EXPECTED = [
  { event: 'conversation.updated', data: '{"id":7,"unreadCount":2}', id: '1' },
  { event: 'message.status', data: '{"id":40,"status":"read"}', id: '2' },
];

describe('createSseParser', () => {
  it('parses the frames the live service writes, skipping comments and reading retry', () => {
    const { parser, frames } = feed([STREAM]);
    expect(frames).toEqual(EXPECTED);
    expect(parser.retry).toBe(3000);
    expect(parser.lastEventId).toBe('2');
  });

  it('gives the same frames whatever the chunk boundaries (every split point, one character at a time)', () => {
    for (let cut = 1; cut < STREAM.length; cut += 1) {
      expect(feed([STREAM.slice(0, cut), STREAM.slice(cut)]).frames).toEqual(EXPECTED);
    }
    expect(feed(STREAM.split('')).frames).toEqual(EXPECTED);
  });

  it('handles \\r\\n line ends, also when a chunk ends between \\r and \\n', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    expect(feed([crlf]).frames).toEqual(EXPECTED);
    for (let cut = 1; cut < crlf.length; cut += 1) {
      expect(feed([crlf.slice(0, cut), crlf.slice(cut)]).frames).toEqual(EXPECTED);
    }
  });

  it('handles lone \\r line ends', () => {
    expect(feed(['event: a\rdata: x\r\r']).frames).toEqual([{ event: 'a', data: 'x', id: '' }]);
  });

  it('joins multi-line data with \\n and keeps a value without the optional space', () => {
    const { frames } = feed(['data: first\ndata:second\ndata:  two spaces\n\n']);
    expect(frames).toEqual([{ event: 'message', data: 'first\nsecond\n two spaces', id: '' }]);
  });

  it('does not dispatch a frame until its blank line arrives', () => {
    const parser = createSseParser();
    expect(parser.push('event: message.created\ndata: {"a":1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message.created', data: '{"a":1}', id: '' }]);
  });

  it('drops frames without data, resets the event type after each frame, keeps the id', () => {
    const { frames } = feed(['event: ignored\n\nid: 9\n\ndata: plain\n\nevent: typed\ndata: 1\n\ndata: 2\n\n']);
    expect(frames).toEqual([
      { event: 'message', data: 'plain', id: '9' },
      { event: 'typed', data: '1', id: '9' },
      { event: 'message', data: '2', id: '9' },
    ]);
  });

  it('treats a field without a colon as an empty value and ignores unknown fields and bad retry', () => {
    const parser = createSseParser();
    expect(parser.push('data\nfoo: bar\nretry: soon\n\n')).toEqual([{ event: 'message', data: '', id: '' }]);
    expect(parser.retry).toBeUndefined();
  });

  it('ignores an id containing NUL and strips a leading byte-order mark', () => {
    const { frames } = feed(['\uFEFFid: 5\ndata: a\n\nid: x\0y\ndata: b\n\n']);
    expect(frames).toEqual([
      { event: 'message', data: 'a', id: '5' },
      { event: 'message', data: 'b', id: '5' },
    ]);
  });

  it('keeps a split multi-byte payload intact when fed through a streaming TextDecoder', () => {
    const bytes = new TextEncoder().encode('event: message.created\ndata: {"body":"¿Qué tal? ✓"}\n\n');
    const decoder = new TextDecoder();
    const parser = createSseParser();
    const frames = [];
    for (let i = 0; i < bytes.length; i += 3) frames.push(...parser.push(decoder.decode(bytes.slice(i, i + 3), { stream: true })));
    expect(frames).toEqual([{ event: 'message.created', data: '{"body":"¿Qué tal? ✓"}', id: '' }]);
  });
});
