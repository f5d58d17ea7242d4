/**
 * A server-sent events frame parser (the WHATWG "event stream" rules), fed text chunks as they
 * arrive from `fetch` + `TextDecoder`: chunks may split a line, a `\r\n`, or a frame anywhere.
 * Pure: no timers, no I/O, so the inbox's live stream can be tested without a server.
 */

export interface SseMessage {
  /** `event:` field; "message" when the frame has none. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last event id seen on the stream (the `id:` field persists across frames). */
  id: string;
}

export interface SseParser {
  /** Feeds a chunk; returns the frames it completed, in order. */
  push(chunk: string): SseMessage[];
  /** The reconnection delay the server asked for (`retry:`), if any. */
  readonly retry: number | undefined;
  readonly lastEventId: string;
}

export const createSseParser = (): SseParser => {
  let buffer = '';
  // A chunk ended with "\r": if the next one starts with "\n", that "\n" belongs to the same line end.
  let skipLeadingLf = false;
  let started = false;
  let eventType = '';
  let dataLines: string[] = [];
  let hasData = false;
  let lastEventId = '';
  let retry: number | undefined;

  const processLine = (line: string, out: SseMessage[]) => {
    if (line === '') {
      if (hasData) out.push({ event: eventType || 'message', data: dataLines.join('\n'), id: lastEventId });
      eventType = '';
      dataLines = [];
      hasData = false;
      return;
    }
    if (line.startsWith(':')) return; // a comment (heartbeats)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        eventType = value;
        break;
      case 'data':
        dataLines.push(value);
        hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  };

  return {
    push(chunk: string) {
      const out: SseMessage[] = [];
      let text = chunk;
      if (skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
      skipLeadingLf = false;
      if (!started && text.length > 0) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        processLine(buffer.slice(start, i), out);
        if (c === '\r') {
          if (i + 1 < buffer.length) {
            if (buffer[i + 1] === '\n') i += 1;
          } else {
            skipLeadingLf = true;
          }
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
    get retry() {
      return retry;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
};
