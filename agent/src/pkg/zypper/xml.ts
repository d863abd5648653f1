import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ParseProblem } from '../parse-outcome.js';

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['solvable', 'issue', 'message', 'update'].includes(name),
});

/**
 * Every complete `<tag …>` element in `text`, each parsed on its own: zypper's XML stream mixes
 * progress, messages and results, and a run that was killed leaves it truncated. Reading element
 * by element keeps every complete one and reports the rest.
 */
export function xmlElements(text: string, tag: string): { elements: XmlNode[]; problems: ParseProblem[] } {
  const elements: XmlNode[] = [];
  const problems: ParseProblem[] = [];
  const open = new RegExp(`<${tag}(?=[\\s/>])(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>`, 'g');
  const close = `</${tag}>`;
  let m: RegExpExecArray | null;
  while ((m = open.exec(text)) !== null) {
    let chunk: string;
    if (m[1] === '/') {
      chunk = m[0];
    } else {
      const end = text.indexOf(close, open.lastIndex);
      if (end === -1) {
        problems.push({ line: lineOf(text, m.index), message: `<${tag}> is not closed (truncated output?)` });
        break;
      }
      chunk = text.slice(m.index, end + close.length);
      open.lastIndex = end + close.length;
    }
    const node = parseChunk(chunk, tag);
    if (node) elements.push(node);
    else problems.push({ line: lineOf(text, m.index), message: `<${tag}> element is not well-formed XML` });
  }
  return { elements, problems };
}

function parseChunk(chunk: string, tag: string): XmlNode | undefined {
  if (XMLValidator.validate(chunk) !== true) return undefined;
  try {
    const doc = parser.parse(chunk) as XmlNode;
    const node = doc[tag];
    const first = Array.isArray(node) ? node[0] : node;
    if (first === '' || first === undefined) return {};
    return typeof first === 'object' && first !== null ? (first as XmlNode) : undefined;
  } catch {
    return undefined;
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A string attribute or child text, '' when absent. */
export function str(node: XmlNode | undefined, key: string): string {
  const v = node?.[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** Child elements as an array, whatever shape the parser gave them. */
export function children(node: XmlNode | undefined, key: string): XmlNode[] {
  const v = node?.[key];
  const list = Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v];
  return list.filter((x): x is XmlNode => typeof x === 'object' && x !== null);
}
