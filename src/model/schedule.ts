/**
 * Learning-rate schedule: linear warm-up from 0 to the peak, then cosine decay to minRatio·peak at totalSteps
 * (Hugging Face's `get_cosine_schedule_with_warmup` when minRatio = 0, as LLaMA-Factory's `cosine` uses).
 * `step` counts optimizer updates from 0.
 */
export interface CosineSchedule {
  peakLr: number;
  warmupSteps: number;
  totalSteps: number;
  minRatio?: number;
}

export function cosineLr(step: number, s: CosineSchedule): number {
  if (step < s.warmupSteps) return (s.peakLr * step) / Math.max(1, s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps));
  const min = s.minRatio ?? 0;
  return s.peakLr * (min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Warm-up steps for a ratio of the total (LLaMA-Factory's warmup_ratio): ceil(ratio·total). */
export const warmupFromRatio = (ratio: number, totalSteps: number): number => Math.ceil(ratio * totalSteps);
