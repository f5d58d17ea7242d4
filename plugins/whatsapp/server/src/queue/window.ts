/**
 * WhatsApp's customer-service window, defined once: free text (a message that is not an approved
 * template) may be sent only within 24 hours of the contact's last message to us.
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface ServiceWindow {
  open: boolean;
  /** When the window closes (or closed); null when the contact never wrote. */
  closesAt: Date | null;
}

/** The window as it stands at `at` (default now) for a contact whose last message came at `lastInboundAt`. */
export function serviceWindow(lastInboundAt: Date | null | undefined, at: Date | number = Date.now()): ServiceWindow {
  if (!lastInboundAt || Number.isNaN(lastInboundAt.getTime())) return { open: false, closesAt: null };
  const closesAt = new Date(lastInboundAt.getTime() + SERVICE_WINDOW_MS);
  return { open: closesAt.getTime() > (typeof at === 'number' ? at : at.getTime()), closesAt };
}
