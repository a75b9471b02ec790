export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (/<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) throw new Error(`unescaped < or & in ${where}: ${raw}`);
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, ref: string) =>
    ref.startsWith('#x') ? String.fromCodePoint(parseInt(ref.slice(2), 16)) : ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : ENTITIES[ref]!,
  );
}

/**
 * Just enough XML to check what the JUnit formatter writes: one declaration,
 * one root, balanced tags, quoted and escaped attributes, escaped text.
 * Throws on anything else.
 */
export function parseXml(xml: string): XmlElement {
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (declaration === null) throw new Error('missing XML declaration');
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  token.lastIndex = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let match: RegExpExecArray | null;
  while (token.lastIndex < xml.length) {
    const start = token.lastIndex;
    match = token.exec(xml);
    if (match === null) throw new Error(`unparsed input at ${start}`);
    const [, closing, name, rawAttributes, selfClosing, text, stray] = match;
    if (stray !== undefined) throw new Error(`malformed tag at ${match.index}: ${xml.slice(match.index, match.index + 40)}`);
    if (text !== undefined) {
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error(`text outside the root: ${text}`);
        continue;
      }
      stack[stack.length - 1]!.text += decode(text, 'text');
      continue;
    }
    if (closing === '/') {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of rawAttributes!.matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
      if (key! in attributes) throw new Error(`duplicate attribute ${key}`);
      attributes[key!] = decode(value!, `attribute ${key}`);
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
    else if (root === null) root = element;
    else throw new Error('a second root element');
    if (selfClosing !== '/') stack.push(element);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root === null) throw new Error('no root element');
  return root;
}
