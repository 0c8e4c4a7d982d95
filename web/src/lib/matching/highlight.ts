/**
 * Search highlights arrive as HTML in which the text is escaped (&, <, >, ") and the only markup is
 * <mark> and </mark>. Rather than trusting that with {@html}, the page splits on those two tags,
 * decodes the entities back to text, and renders every piece as text: whatever the API sends, the
 * worst outcome is stray characters on screen, never markup.
 */
export interface Segment {
  text: string;
  marked: boolean;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };

const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name] ?? "");

export function highlightSegments(html: string): Segment[] {
  const segments: Segment[] = [];
  let marked = false;
  for (const part of html.split(/(<\/?mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) {
      const text = decode(part);
      const last = segments.at(-1);
      if (last && last.marked === marked) last.text += text;
      else segments.push({ text, marked });
    }
  }
  return segments;
}
