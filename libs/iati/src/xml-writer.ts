/** A tiny XML element tree: enough for IATI documents, with escaping done once, here. */
export interface XmlElement {
  name: string;
  attributes?: Record<string, string | number | boolean | undefined>;
  children?: (XmlElement | undefined)[];
  text?: string;
}

export function el(
  name: string,
  attributes: XmlElement['attributes'] = {},
  children: (XmlElement | undefined)[] | string = [],
): XmlElement {
  return typeof children === 'string' ? { name, attributes, text: children } : { name, attributes, children };
}

/** XML 1.0 cannot carry most control characters, even escaped: they are dropped from text. */
const NOT_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
/** Whether a value needs any of escapeXml's work: most (numbers, dates, codes, ids) do not. */
const NEEDS_ESCAPING = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(value: string): string {
  if (!NEEDS_ESCAPING.test(value)) return value;
  return value
    .replace(NOT_XML_CHARACTERS, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/**
 * The element as indented XML (two spaces a level). Every line is collected once and joined once: a
 * document of thousands of result periods (a long-lived project's IATI export) would otherwise be copied
 * again at every level of nesting.
 */
export function renderXml(element: XmlElement, depth = 0): string {
  const lines: string[] = [];
  writeElement(element, depth, lines);
  return lines.join('\n');
}

function writeElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  let attributes = '';
  for (const [key, value] of Object.entries(element.attributes ?? {})) {
    if (value !== undefined) attributes += ` ${key}="${escapeXml(String(value))}"`;
  }
  if (element.text !== undefined) {
    lines.push(`${indent}<${element.name}${attributes}>${escapeXml(element.text)}</${element.name}>`);
    return;
  }
  const children = (element.children ?? []).filter((child): child is XmlElement => child !== undefined);
  if (children.length === 0) {
    lines.push(`${indent}<${element.name}${attributes}/>`);
    return;
  }
  lines.push(`${indent}<${element.name}${attributes}>`);
  for (const child of children) writeElement(child, depth + 1, lines);
  lines.push(`${indent}</${element.name}>`);
}
