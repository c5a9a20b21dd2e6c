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

export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML_CHARACTERS, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** The element as indented XML (two spaces a level). */
export function renderXml(element: XmlElement, depth = 0): string {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(element.attributes ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
  if (element.text !== undefined) return `${indent}<${element.name}${attributes}>${escapeXml(element.text)}</${element.name}>`;
  const children = (element.children ?? []).filter((child): child is XmlElement => child !== undefined);
  if (children.length === 0) return `${indent}<${element.name}${attributes}/>`;
  return [
    `${indent}<${element.name}${attributes}>`,
    ...children.map((child) => renderXml(child, depth + 1)),
    `${indent}</${element.name}>`,
  ].join('\n');
}
