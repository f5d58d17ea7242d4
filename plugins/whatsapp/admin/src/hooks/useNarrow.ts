import { useEffect, useState } from 'react';

/** Below this width the inbox shows the list or the thread, not both side by side (a phone). */
export const NARROW_QUERY = '(max-width: 767px)';

/** Whether the screen is phone-narrow, following resizes and rotation. */
export const useNarrow = (query = NARROW_QUERY) => {
  const [narrow, setNarrow] = useState(() => typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(query).matches);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return undefined;
    const list = window.matchMedia(query);
    const update = () => setNarrow(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return narrow;
};
