// Boxes on a page image: a drag on the displayed (scaled) page turned into
// a rectangle in the image's own pixels, which the back end blacks out.

/** A rectangle in a page image's pixels. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The smallest box worth keeping, in image pixels (a click is not a box). */
export const MIN_BOX_PX = 4;

/**
 * The drag from `a` to `b` (client coordinates, in either direction) over an
 * image displayed in `shown` whose own size is `width`×`height`, as a box in
 * image pixels, clamped to the image and rounded outward. `null` when it is
 * smaller than {@link MIN_BOX_PX} either way.
 */
export function dragToBox(
  a: { x: number; y: number },
  b: { x: number; y: number },
  shown: { left: number; top: number; width: number; height: number },
  width: number,
  height: number,
): PixelBox | null {
  if (shown.width <= 0 || shown.height <= 0 || width <= 0 || height <= 0) return null;
  const sx = width / shown.width;
  const sy = height / shown.height;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const xs = [a.x, b.x].map((x) => clamp((x - shown.left) * sx, width));
  const ys = [a.y, b.y].map((y) => clamp((y - shown.top) * sy, height));
  const box = {
    x0: Math.floor(Math.min(...xs)),
    y0: Math.floor(Math.min(...ys)),
    x1: Math.ceil(Math.max(...xs)),
    y1: Math.ceil(Math.max(...ys)),
  };
  if (box.x1 - box.x0 < MIN_BOX_PX || box.y1 - box.y0 < MIN_BOX_PX) return null;
  return box;
}
