// Icons (lucide) for block categories and the editor's tools; each category has its colour token too
// (styles.css: --cat-<category>).

import {
  BarChart3,
  Boxes,
  Brain,
  Crop,
  Eye,
  GitBranch,
  GitMerge,
  Braces,
  Layers,
  Puzzle,
  ScanEye,
  Send,
  Video,
  type LucideIcon,
} from "lucide-react";

const CATEGORY_ICONS: Record<string, LucideIcon> = {
  model: Brain,
  transformation: Crop,
  classical_computer_vision: ScanEye,
  flow_control: GitBranch,
  formatter: Braces,
  visualization: Eye,
  sink: Send,
  analytics: BarChart3,
  video: Video,
  fusion: GitMerge,
  buffer: Layers,
  custom: Boxes,
};

export function CategoryIcon({ category, size = 14 }: { category: string; size?: number }) {
  const Icon = CATEGORY_ICONS[category] ?? Puzzle;
  return <Icon className={`category-icon cat-${category}`} size={size} aria-hidden="true" focusable="false" />;
}
