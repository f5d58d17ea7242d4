/**
 * Reads a template's Handlebars AST once, when it is compiled, and produces:
 * - the variables it uses (for the editor and for mapping provider parameters);
 * - a tree of checks that mirrors the template's blocks, so a missing variable is reported by
 *   name before rendering, including inside `{{#if}}` branches that will actually render and in
 *   every item of an `{{#each}}` (Handlebars itself would silently print nothing);
 * - syntax errors for everything we do not support (partials, unknown helpers, wrong arity),
 *   so a template is rejected when it is saved rather than when a customer is waiting.
 */
import Handlebars from 'handlebars';
import { TemplateError } from './template-errors';
import { BLOCK_HELPERS, HELPERS, RESERVED_NAMES, isHelperName, isPrototypeName } from './template-helpers';
import { countCharacters } from './text-length';

type AST = hbs.AST.Program;
type Node = hbs.AST.Node;
type PathExpression = hbs.AST.PathExpression;

/** Where a value is read: `scope` 0 is the variables object, 1… the items of enclosing each/with blocks. */
export interface Ref {
  scope: number;
  parts: readonly string[];
  /** Full name for messages: `cliente.nombre`, `productos.precio` (inside `{{#each productos}}`). */
  display: string;
}

export type Check =
  /** `output`: printed as is (must be text or a number), as opposed to passed to a helper. */
  | { type: 'value'; ref: Ref; output: boolean }
  | { type: 'each' | 'with'; ref: Ref; body: Check[]; otherwise: Check[] }
  | { type: 'if'; ref: Ref; negate: boolean; includeZero: boolean; then: Check[]; otherwise: Check[] };

export interface TemplateAnalysis {
  ast: AST;
  /** Top-level variables in order of first use (`cliente.nombre` as a full path). */
  variables: string[];
  checks: Check[];
  /** For each helper call (keyed by its `line:column`), the variable behind each argument, if any. */
  helperArguments: Map<string, (string | undefined)[]>;
  /** Characters of text always rendered (outside blocks): more than WhatsApp's limit can never fit. */
  fixedLength: number;
}

interface Scope {
  blockParams: readonly string[];
  display: string;
}

const LITERAL_TYPES = new Set(['StringLiteral', 'NumberLiteral', 'BooleanLiteral', 'NullLiteral', 'UndefinedLiteral']);
const HELPER_LIST = 'fecha/date, hora/time, moneda/currency, numero/number, mayusculas/upper, minusculas/lower';

export const locationKey = (loc: { start: { line: number; column: number } }): string =>
  `${loc.start.line}:${loc.start.column}`;

export function analyzeTemplate(body: string): TemplateAnalysis {
  const ast = parse(body);
  const analyzer = new Analyzer(body.includes('\n'));
  const checks: Check[] = [];
  analyzer.program(ast, [{ blockParams: [], display: '' }], checks, true);
  return {
    ast,
    variables: analyzer.variables,
    checks,
    helperArguments: analyzer.helperArguments,
    fixedLength: analyzer.fixedLength,
  };
}

function parse(body: string): AST {
  try {
    return Handlebars.parse(body);
  } catch (error) {
    throw parseError(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Handlebars' parser messages are multi-line jison dumps; keep the line, the spot and a plain reason. */
function parseError(error: Error & { lineNumber?: unknown }): TemplateError {
  const mismatch = /^(\S+) doesn't match (\S+) - (\d+):\d+/.exec(error.message);
  if (mismatch) {
    const line = Number(mismatch[3]);
    return new TemplateError(
      'syntax',
      `Template syntax error on line ${line}: {{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}`,
      { line },
    );
  }
  const dump = /^Parse error on line (\d+):\n(.*)\n(-*)\^\n(.*)$/s.exec(error.message);
  if (!dump) return new TemplateError('syntax', `Template syntax error: ${error.message}`);
  const line = Number(dump[1]);
  const column = dump[3].length;
  const near = dump[2].slice(Math.max(0, column - 20), column + 1);
  const got = /got '([A-Z_]+)'/.exec(dump[4])?.[1];
  const reason =
    got === 'EOF'
      ? 'a block ({{#if}}, {{#each}} …) is never closed'
      : got === 'OPEN_ENDBLOCK'
        ? 'a {{/…}} closes a block that was never opened'
        : got === 'INVERSE'
          ? 'a block has more than one {{else}}'
          : 'a {{ … }} is not written correctly';
  return new TemplateError('syntax', `Template syntax error on line ${line} near ${JSON.stringify(near)}: ${reason}`, {
    line,
  });
}

const isPath = (node: Node): node is PathExpression => node.type === 'PathExpression';
const isSubExpression = (node: Node): node is hbs.AST.SubExpression => node.type === 'SubExpression';
const isMustache = (node: Node): node is hbs.AST.MustacheStatement => node.type === 'MustacheStatement';
const isBlock = (node: Node): node is hbs.AST.BlockStatement => node.type === 'BlockStatement';
const isContent = (node: Node): node is hbs.AST.ContentStatement => node.type === 'ContentStatement';
/** `this.x` and `./x` always read the context, never a helper. */
const isScoped = (path: PathExpression): boolean => /^\.|this\b/.test(path.original);

/** The bare name of a path that could be a helper (`fecha`), or undefined (`cliente.nombre`, `this.x`). */
function simpleName(path: Node): string | undefined {
  if (!isPath(path) || path.data || path.depth !== 0 || path.parts.length !== 1 || isScoped(path)) return undefined;
  return path.parts[0];
}

function literalValue(node: Node): unknown {
  return 'value' in node ? node.value : node.type === 'NullLiteral' ? null : undefined;
}

function literalText(node: Node): string {
  return 'original' in node ? String(node.original) : node.type === 'NullLiteral' ? 'null' : 'undefined';
}

class Analyzer {
  readonly variables: string[] = [];
  readonly helperArguments = new Map<string, (string | undefined)[]>();
  fixedLength = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly multiline: boolean) {}

  program(program: hbs.AST.Program | undefined, scopes: Scope[], into: Check[], topLevel: boolean): void {
    for (const statement of program?.body ?? []) this.statement(statement, scopes, into, topLevel);
  }

  private statement(node: Node, scopes: Scope[], into: Check[], topLevel: boolean): void {
    if (isContent(node)) {
      if (topLevel) this.fixedLength += countCharacters(node.value);
    } else if (isMustache(node)) {
      this.mustache(node, scopes, into);
    } else if (isBlock(node)) {
      this.block(node, scopes, into);
    } else if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      throw this.syntax(node, 'Partials ({{> name}}) are not supported in WhatsApp templates');
    } else if (node.type === 'Decorator' || node.type === 'DecoratorBlock') {
      throw this.syntax(node, 'Decorators ({{* name}}) are not supported in WhatsApp templates');
    } else if (node.type !== 'CommentStatement') {
      throw this.syntax(node, `Unsupported template construct (${node.type})`);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement, scopes: Scope[], into: Check[]): void {
    const { path } = node;
    const pairs = node.hash?.pairs ?? [];
    if (!isPath(path)) {
      throw this.invalid(
        node,
        `{{${literalText(path)}}} is not a variable name: use a name such as {{nombre}}`,
        literalText(path),
      );
    }
    const name = simpleName(path);
    if (node.params.length === 0 && pairs.length === 0) {
      // `{{fecha}}` alone is the variable `fecha`, not a call to the helper: shops name variables like that.
      if (name !== undefined && RESERVED_NAMES.has(name)) {
        throw this.invalid(node, `"${name}" is reserved by the template language and cannot be a variable name`, name);
      }
      const ref = this.resolve(path, scopes);
      if (ref) into.push({ type: 'value', ref, output: true });
      return;
    }
    if (name !== undefined && isHelperName(name)) {
      this.helperCall(name, node, scopes, into);
    } else if (name !== undefined && BLOCK_HELPERS.has(name)) {
      throw this.syntax(node, `{{${name}}} must be used as a block: {{#${name} …}}…{{/${name}}}`);
    } else {
      throw this.syntax(node, `Unknown helper "${path.original}": the helpers are ${HELPER_LIST}`);
    }
  }

  private block(node: hbs.AST.BlockStatement, scopes: Scope[], into: Check[]): void {
    const name = simpleName(node.path);
    if (name === undefined || !BLOCK_HELPERS.has(name)) {
      const shown = node.path.original;
      if (name !== undefined && isHelperName(name)) {
        throw this.syntax(node, `{{#${name}}} is not a block: write {{${name} value}}`);
      }
      throw this.syntax(node, `Unknown block {{#${shown}}}: use {{#if ${shown}}}, {{#unless ${shown}}}, {{#each ${shown}}} or {{#with ${shown}}}`);
    }
    const [param, ...extra] = node.params;
    if (!param || extra.length > 0 || !isPath(param)) {
      throw this.syntax(node, `{{#${name}}} takes exactly one variable, e.g. {{#${name} ${name === 'each' ? 'productos' : 'descuento'}}}`);
    }
    const includeZero = this.blockOptions(node, name);
    const ref = this.resolve(param, scopes);

    if (name === 'if' || name === 'unless') {
      if (!ref) {
        // Data conditions (`@first`, `@last`) cannot be evaluated up front: both branches may render.
        this.program(node.program, scopes, into, false);
        this.program(node.inverse, scopes, into, false);
        return;
      }
      const check: Check = { type: 'if', ref, negate: name === 'unless', includeZero, then: [], otherwise: [] };
      this.program(node.program, scopes, check.then, false);
      this.program(node.inverse, scopes, check.otherwise, false);
      into.push(check);
      return;
    }

    if (!ref) throw this.syntax(node, `{{#${name}}} needs a variable, not ${param.original}`);
    const kind = name === 'each' ? 'each' : 'with';
    const check: Check = { type: kind, ref, body: [], otherwise: [] };
    const inner: Scope = { blockParams: node.program?.blockParams ?? [], display: ref.display };
    this.program(node.program, [...scopes, inner], check.body, false);
    this.program(node.inverse, scopes, check.otherwise, false);
    into.push(check);
  }

  /** Only `includeZero=true|false` on `#if`/`#unless` is accepted; returns its value. */
  private blockOptions(node: hbs.AST.BlockStatement, name: string): boolean {
    let includeZero = false;
    for (const pair of node.hash?.pairs ?? []) {
      const allowed = (name === 'if' || name === 'unless') && pair.key === 'includeZero' && pair.value.type === 'BooleanLiteral';
      if (!allowed) throw this.syntax(node, `{{#${name}}} does not take the option ${pair.key}=…`);
      includeZero = literalValue(pair.value) === true;
    }
    return includeZero;
  }

  private helperCall(
    name: string,
    node: hbs.AST.MustacheStatement | hbs.AST.SubExpression,
    scopes: Scope[],
    into: Check[],
  ): void {
    const spec = HELPERS[name];
    if ((node.hash?.pairs ?? []).length > 0) throw this.syntax(node, `{{${name}}} does not take name=value options`);
    const count = node.params.length;
    if (count < spec.minArgs || count > spec.maxArgs) {
      const expected = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} or ${spec.maxArgs}`;
      throw this.syntax(node, `{{${name}}} takes ${expected} argument${spec.maxArgs > 1 ? 's' : ''}, got ${count}`);
    }
    const argumentNames = node.params.map((param, index): string | undefined => {
      if (LITERAL_TYPES.has(param.type)) {
        const problem = spec.checkLiteral?.(index, literalValue(param));
        if (problem) throw this.syntax(node, `{{${name}}}: ${problem}`);
        return undefined;
      }
      if (isSubExpression(param)) {
        const inner = simpleName(param.path);
        if (inner === undefined || !isHelperName(inner)) {
          throw this.syntax(param, `Unknown helper "${param.path.original}": the helpers are ${HELPER_LIST}`);
        }
        this.helperCall(inner, param, scopes, into);
        return undefined;
      }
      if (!isPath(param)) throw this.syntax(param, `Unsupported argument to {{${name}}}`);
      const ref = this.resolve(param, scopes);
      if (!ref) return undefined;
      into.push({ type: 'value', ref, output: false });
      return ref.display;
    });
    this.helperArguments.set(locationKey(node.loc), argumentNames);
  }

  /** Maps a path to the context it reads; undefined for `@index`-style data and block index params. */
  private resolve(path: PathExpression, scopes: Scope[]): Ref | undefined {
    let scope: number;
    let parts = path.parts;
    if (path.data) {
      if (parts[0] !== 'root') return undefined;
      scope = 0;
      parts = parts.slice(1);
    } else {
      const blockParam = path.depth === 0 && !isScoped(path) ? this.blockParam(parts[0], scopes) : undefined;
      if (blockParam === 'index') return undefined;
      if (blockParam !== undefined) {
        scope = blockParam;
        parts = parts.slice(1);
      } else {
        scope = scopes.length - 1 - path.depth;
        if (scope < 0) throw this.invalid(path, `"${path.original}" goes above the template's variables`, path.original);
      }
    }
    if (scope === 0 && parts.length === 0) {
      throw this.invalid(path, `{{${path.original}}} is not a variable: name one, e.g. {{nombre}}`, path.original);
    }
    const reserved = parts.find(isPrototypeName);
    if (reserved !== undefined) {
      const { suffix, line } = this.where(path);
      throw new TemplateError(
        'reserved-variable',
        `"${reserved}" (in {{${path.original}}}) is a name every JavaScript object has and cannot be a variable name: use another, e.g. {{nombre}}${suffix}`,
        line === undefined ? { variable: path.original } : { variable: path.original, line },
      );
    }
    const joined = parts.join('.');
    const display = scope === 0 ? joined : joined ? `${scopes[scope].display}.${joined}` : scopes[scope].display;
    if (scope === 0 && !this.seen.has(display)) {
      this.seen.add(display);
      this.variables.push(display);
    }
    return { scope, parts, display };
  }

  /** `as |item index|`: the scope whose item `name` is, `'index'` for the index/key, or undefined. */
  private blockParam(name: string | undefined, scopes: Scope[]): number | 'index' | undefined {
    if (name === undefined) return undefined;
    for (let scope = scopes.length - 1; scope > 0; scope -= 1) {
      const position = scopes[scope].blockParams.indexOf(name);
      if (position === 0) return scope;
      if (position > 0) return 'index';
    }
    return undefined;
  }

  private where(node: Node): { suffix: string; line: number | undefined } {
    const line = node.loc?.start.line;
    return { suffix: this.multiline && line !== undefined ? ` (line ${line})` : '', line };
  }

  private syntax(node: Node, message: string): TemplateError {
    const { suffix, line } = this.where(node);
    return new TemplateError('syntax', `${message}${suffix}`, line === undefined ? {} : { line });
  }

  private invalid(node: Node, message: string, variable: string): TemplateError {
    const { suffix, line } = this.where(node);
    return new TemplateError('invalid-variable', `${message}${suffix}`, line === undefined ? { variable } : { variable, line });
  }
}
