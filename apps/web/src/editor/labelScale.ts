/**
 * How much labels grow as the canvas zooms out, as pure arithmetic (labelZoom.ts applies it): names
 * keep at least READABLE_PX on screen down to FAR_ZOOM, in steps of 0.05 so a zoom crosses few.
 */

/** The smallest label on screen, in pixels, while the zoom allows (the journey checks 11). */
export const READABLE_PX = 11.5;
/** Shape and boundary names' font size in diagram units at zoom 1 and closer (styles.css). */
export const NAME_FONT = 12;
/** Flow names' font size in diagram units at zoom 1 and closer. */
export const FLOW_FONT = 10;
/** Below this zoom labels no longer grow: flow names are hidden, shape names kept to one line. */
export const FAR_ZOOM = 0.42;

/** How zoomed out the canvas is: near (labels at their own size), mid (grown), far (simplified). */
export type ZoomLevel = 'near' | 'mid' | 'far';

/** The level at a zoom. */
export function zoomLevel(zoom: number): ZoomLevel {
  if (zoom >= 0.96) return 'near';
  return zoom >= FAR_ZOOM ? 'mid' : 'far';
}

/** How much a label of `font` units grows at `zoom` to stay READABLE_PX on screen: in steps of 0.05, at least 1. */
function scaleFor(font: number, zoom: number): number {
  const z = Math.max(zoom, FAR_ZOOM);
  return Math.max(1, Math.ceil((READABLE_PX / (font * z)) * 20) / 20);
}

/** The scale of shape and boundary names at a zoom. */
export function nameLabelScale(zoom: number): number {
  return scaleFor(NAME_FONT, zoom);
}

/** The scale of flow names at a zoom. */
export function flowLabelScale(zoom: number): number {
  return scaleFor(FLOW_FONT, zoom);
}
