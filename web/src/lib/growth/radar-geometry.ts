/** Points of a radar chart: axis i of n starts at the top and goes clockwise; values are 0–1. */
export interface RadarGeometry {
  size: number;
  center: number;
  radius: number;
}

export const RADAR_GEOMETRY: RadarGeometry = { size: 420, center: 210, radius: 140 };

export function pointOn(index: number, count: number, value: number, g: RadarGeometry = RADAR_GEOMETRY): [number, number] {
  const angle = -Math.PI / 2 + (2 * Math.PI * index) / Math.max(1, count);
  const r = g.radius * Math.max(0, Math.min(1, value));
  return [Math.round((g.center + r * Math.cos(angle)) * 10) / 10, Math.round((g.center + r * Math.sin(angle)) * 10) / 10];
}

export function polygonPoints(values: number[], g: RadarGeometry = RADAR_GEOMETRY): string {
  return values.map((v, i) => pointOn(i, values.length, v, g).join(",")).join(" ");
}

/** Where an axis label goes, and how it is anchored so it stays outside the chart. */
export function labelPlacement(index: number, count: number, g: RadarGeometry = RADAR_GEOMETRY): { x: number; y: number; anchor: "start" | "middle" | "end" } {
  const [x, y] = pointOn(index, count, 1.16, { ...g });
  const dx = x - g.center;
  const anchor = Math.abs(dx) < 8 ? "middle" : dx > 0 ? "start" : "end";
  return { x, y: y + 4, anchor };
}
