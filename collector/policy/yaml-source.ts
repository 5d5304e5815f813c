import {
  Composer,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  LineCounter,
  Parser,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { PolicyError, type PolicyErrorCode } from './errors.js';
import { cstDepth, YAML_DEPTH_MAX } from '../../protocol/yaml-depth.js';

/** A path into a parsed document: keys and list indexes. */
export type FieldPath = ReadonlyArray<string | number>;

/** A parsed YAML file that can point at the line of any of its fields. */
export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the field (of its key when `asKey`), if it exists. */
  lineOf(path: FieldPath, asKey?: boolean): number | undefined;
}

/**
 * Parses one YAML document. Policy files are untrusted input: any parse
 * error, warning (e.g. an unknown tag), second document, deep nesting,
 * anchor or alias becomes a PolicyError, so no raw parser error escapes
 * and no alias can expand into a large value.
 */
export function parseYamlSource(
  file: string,
  text: string,
  code: PolicyErrorCode = 'VIGIL_POLICY_YAML_INVALID',
): YamlSource {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const doc = composeOne(file, text, code, lineCounter);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const line = lineAt(problem.pos[0]);
    throw new PolicyError(code, `not valid YAML: ${problem.message}`, {
      file,
      line,
    });
  }
  rejectAliases(doc, file, code, lineAt);
  const value: unknown = doc.toJS({ maxAliasCount: 0 });
  return {
    file,
    value,
    lineOf: (path, asKey = false) => locate(doc, path, asKey, lineAt),
  };
}

/** Parses to CST, checks the depth, then builds the one document. */
function composeOne(
  file: string,
  text: string,
  code: PolicyErrorCode,
  lineCounter: LineCounter,
): Document.Parsed {
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  if (cstDepth(tokens) > YAML_DEPTH_MAX) {
    const problem = `nests collections more than ${YAML_DEPTH_MAX} levels deep`;
    throw new PolicyError(code, problem, { file });
  }
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true });
  const [doc, second] = composer.compose(tokens, true, text.length);
  if (doc === undefined || second !== undefined) {
    const line = second ? lineCounter.linePos(second.range[0]).line : undefined;
    throw new PolicyError(code, 'holds more than one YAML document', {
      file,
      line,
    });
  }
  return doc;
}

function rejectAliases(
  doc: Document,
  file: string,
  code: PolicyErrorCode,
  lineAt: (offset: number) => number,
): void {
  visit(doc, {
    Node(_key, node) {
      const named = isAlias(node) || node.anchor !== undefined;
      if (!named) return undefined;
      const line = node.range ? lineAt(node.range[0]) : undefined;
      throw new PolicyError(
        code,
        'YAML anchors and aliases are not allowed in policy files',
        { file, line },
      );
    },
  });
}

function locate(
  doc: Document,
  path: FieldPath,
  asKey: boolean,
  lineAt: (offset: number) => number,
): number | undefined {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const step of path) {
    if (!isCollection(node)) return undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && p.key.value === step,
      );
      if (pair === undefined) return undefined;
      keyNode = isScalar(pair.key) ? pair.key : undefined;
      node = pair.value;
    } else {
      keyNode = undefined;
      node = typeof step === 'number' ? node.items[step] : undefined;
    }
  }
  const valueRange = (node as Node | null | undefined)?.range;
  // A key without a value (`hours:`) has no value node: point at the key.
  const range =
    (asKey ? keyNode?.range : undefined) ?? valueRange ?? keyNode?.range;
  return range ? lineAt(range[0]) : undefined;
}

/** `allow[0].schedule.timezone`: how messages name a field. */
export function fieldName(path: FieldPath): string {
  let name = '';
  for (const step of path) {
    name += typeof step === 'number' ? `[${step}]` : name ? `.${step}` : step;
  }
  return name || '(document)';
}
