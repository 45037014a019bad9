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
  Download,
  FilePlus,
  FolderOpen,
  ImagePlus,
  Keyboard,
  LogOut,
  Network,
  Play,
  Redo2,
  Save,
  SaveAll,
  Undo2,
  Upload,
  Variable,
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

const TOOL_ICONS: Record<string, LucideIcon> = {
  New: FilePlus,
  Open: FolderOpen,
  Import: Upload,
  Export: Download,
  Save: Save,
  "Save as": SaveAll,
  Undo: Undo2,
  Redo: Redo2,
  "Auto layout": Network,
  "Image input": ImagePlus,
  Parameter: Variable,
  Output: LogOut,
  Run: Play,
  Shortcuts: Keyboard,
};

/** The icon beside a tool's name (the name stays the button's text and accessible name). */
export function ToolIcon({ name }: { name: keyof typeof TOOL_ICONS }) {
  const Icon = TOOL_ICONS[name];
  return <Icon className="tool-icon" size={15} aria-hidden="true" focusable="false" />;
}
