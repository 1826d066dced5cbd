import { useLayoutEffect, useState, type RefObject } from 'react';

export interface Size {
  width: number;
  height: number;
}

/** An element's content size (inside its padding), kept current with a ResizeObserver (0 × 0 until measured). */
export function useElementSize(ref: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = (width: number, height: number) => {
      const w = Math.floor(width);
      const h = Math.floor(height);
      setSize((s) => (s.width === w && s.height === h ? s : { width: w, height: h }));
    };
    // the observer reports the content box; measure the same box the first time
    const cs = getComputedStyle(el);
    const px = (v: string) => parseFloat(v) || 0;
    update(el.clientWidth - px(cs.paddingLeft) - px(cs.paddingRight), el.clientHeight - px(cs.paddingTop) - px(cs.paddingBottom));
    const ro = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box) update(box.width, box.height);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}
