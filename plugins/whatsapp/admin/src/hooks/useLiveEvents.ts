import { useEffect, useRef, useState } from 'react';
import { attemptTokenRefresh, useAuth } from '@strapi/strapi/admin';

import { backoffDelay, toLiveEvent } from '../inbox/live';
import { createSseParser } from '../inbox/sse';
import type { LiveEvent } from '../inbox/types';

/** Heartbeats come every 15 s: three missed and the stream is taken for dead and reopened. */
const STALL_MS = 45_000;
const BASE_RETRY_MS = 3_000;

declare global {
  interface Window {
    strapi: { backendURL: string };
  }
}

interface Options {
  onEvent: (event: LiveEvent) => void;
  /** Called on every (re)connection: events may have been missed while the stream was down. */
  onConnect?: () => void;
}

/**
 * The inbox's server-sent events (GET /whatsapp/inbox/events). EventSource cannot send the admin
 * `Authorization: Bearer` header, so the stream is read with fetch and a pure frame parser.
 * Reconnects with backoff when it drops (refreshing the admin token on a 401), stops on unmount.
 * Returns whether the stream is connected, so the page can poll while it is not.
 */
export const useLiveEvents = (path: string, { onEvent, onConnect }: Options) => {
  const token = useAuth('WhatsAppInbox', (state) => state.token);
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const handlers = useRef({ onEvent, onConnect });
  handlers.current = { onEvent, onConnect };
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const stop = new AbortController();
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;

    const connect = async () => {
      const parser = createSseParser();
      const attemptAbort = new AbortController();
      const abortAttempt = () => attemptAbort.abort();
      stop.signal.addEventListener('abort', abortAttempt);
      let stallTimer: ReturnType<typeof setTimeout> | undefined;
      const armStall = () => {
        if (stallTimer) clearTimeout(stallTimer);
        stallTimer = setTimeout(abortAttempt, STALL_MS);
      };
      let unauthorized = false;
      try {
        armStall();
        const response = await fetch(`${window.strapi.backendURL}${path}`, {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${tokenRef.current ?? ''}` },
          credentials: 'include',
          cache: 'no-store',
          signal: attemptAbort.signal,
        });
        if (response.status === 401) unauthorized = true;
        if (!response.ok || !response.body) throw new Error(`live stream answered ${response.status}`);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        setConnected(true);
        attempt = 0;
        handlers.current.onConnect?.();
        for (;;) {
          armStall();
          const { done, value } = await reader.read();
          if (done) break;
          for (const frame of parser.push(decoder.decode(value, { stream: true }))) {
            const event = toLiveEvent(frame);
            if (event) handlers.current.onEvent(event);
          }
        }
      } catch {
        // Dropped, refused or stalled: retried below unless the page is gone.
      } finally {
        if (stallTimer) clearTimeout(stallTimer);
        stop.signal.removeEventListener('abort', abortAttempt);
        attemptAbort.abort();
      }
      if (stop.signal.aborted) return;
      setConnected(false);
      if (unauthorized) {
        // The short-lived admin token expired: the same refresh the fetch client does.
        try {
          tokenRef.current = await attemptTokenRefresh();
        } catch {
          // The session is over; the admin's own requests will send the user to the login page.
        }
      }
      retryTimer = setTimeout(connect, backoffDelay(attempt, parser.retry ?? BASE_RETRY_MS));
      attempt += 1;
    };

    connect();
    return () => {
      stop.abort();
      if (retryTimer) clearTimeout(retryTimer);
      setConnected(false);
    };
  }, [path]);

  return connected;
};
