// Names the kind of problem a verified fix addresses ("the comparison on line 4", "the loop bound", "a missing
// case for an empty input") from the edit's operator and the syntax of the line it changes, plus a concept
// sentence for the highest help level. Nothing here quotes the fix's new code.
import type { Node } from 'web-tree-sitter';
import type { HintTest, RepairEdit } from '../../../common/protocol';
import { parse, type GrammarId } from '../parse/parser';

export interface ProblemKind {
  /** Short name, e.g. "comparison", "loop bound", "missing case". */
  problem: string;
  /** Where to look, e.g. "the comparison on line 4". */
  where: string;
  /** Concept-level help: what to think about, never what to write. */
  concept: string;
}

const emptyInput = /(\[\s*\]|\(\s*\)|\{\s*\}|''|""|\bNone\b)/;

/** The statement starting on a 1-based line (the outermost node starting there, within the function). */
function statementAt(root: Node, line: number): Node | undefined {
  let best: Node | undefined;
  const visit = (n: Node) => {
    if (n.startPosition.row > line - 1 || n.endPosition.row < line - 1) return;
    if (n.startPosition.row === line - 1 && n.isNamed && n.type !== 'block' && n.type !== 'module' && (!best || n.startIndex < best.startIndex)) best = n;
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return best;
}

function firstOfType(n: Node | undefined, types: string[]): Node | undefined {
  if (!n) return undefined;
  if (types.includes(n.type)) return n;
  for (const c of n.namedChildren) {
    const f = c && firstOfType(c, types);
    if (f) return f;
  }
  return undefined;
}

export async function describeProblem(grammar: GrammarId, original: string, edit: RepairEdit, test: HintTest | undefined): Promise<ProblemKind> {
  const tree = await parse(grammar, original);
  try {
    const stmt = statementAt(tree.rootNode, edit.line);
    return classify(stmt, edit, test);
  } finally {
    tree.delete();
  }
}

function classify(stmt: Node | undefined, edit: RepairEdit, test: HintTest | undefined): ProblemKind {
  const n = edit.line;
  const type = stmt?.type ?? '';
  const loop = type === 'for_statement' || type === 'while_statement' || type === 'for_in_statement';
  const inLoopHeader = loop && edit.line === (stmt?.startPosition.row ?? -1) + 1;
  const returns = type === 'return_statement';
  const comparison = firstOfType(stmt, ['comparison_operator', 'binary_expression', 'boolean_operator']);
  const k = edit.kind;
  if (k === 'insertGuard' || k === 'guardStatement' || k === 'insertStatement') {
    const empty = test?.input && emptyInput.test(test.input);
    return {
      problem: empty ? 'missing case for an empty input' : 'missing case',
      where: empty ? `line ${n}: a case for an empty input is not handled before it` : `line ${n}: some inputs need a case the code does not handle yet`,
      concept: empty
        ? 'When the input is empty, the code after this point does not do what the test expects (a loop over nothing never runs its body). Decide what the answer should be for an empty input and make sure the function gives it.'
        : 'Some inputs need their own handling: follow the failing input through the code by hand and find where it should take a different path.',
    };
  }
  if (inLoopHeader && ['constant', 'arithmetic', 'addTerm', 'dropOperand', 'identifier', 'slice', 'dropCall', 'wrap', 'relatedCall'].includes(k)) {
    return {
      problem: 'loop bound',
      where: `the loop bound on line ${n}`,
      concept: 'Check which values the loop variable takes: write down its first and last value for the failing input. An off-by-one in a range or loop condition skips or repeats one element.',
    };
  }
  const conditionKinds = ['comparison', 'condition', 'negate', 'addClause', 'swap'];
  // A clause added around the old condition: the condition misses a case (often the empty input).
  if (conditionKinds.includes(k) && edit.before && edit.after.includes(edit.before) && /\b(or|and|not)\b|&&|\|\||!/.test(edit.after.replace(edit.before, ''))) {
    const empty = Boolean(test?.input && emptyInput.test(test.input));
    return {
      problem: empty ? 'missing case for an empty input' : 'missing case in a condition',
      where: `the condition on line ${n}${empty ? ', which does not consider an empty input' : ''}`,
      concept: empty
        ? 'Before this condition looks at the input\'s elements, ask what happens when there are none: the condition has to cover that case too.'
        : 'The condition is right for most inputs but misses a case: find the failing input\'s path through it and ask which extra situation it should also cover.',
    };
  }
  if (conditionKinds.includes(k) && (comparison || type === 'if_statement' || type === 'while_statement' || type === 'elif_clause')) {
    const strict = (t: string) => t.replace(/([<>])=/g, '$1');
    const boundary = edit.before !== edit.after && /[<>]/.test(edit.before) && strict(edit.before) === strict(edit.after);
    return {
      problem: loop ? 'loop condition' : 'comparison',
      where: loop ? `the loop condition on line ${n}` : `the ${type === 'if_statement' || type === 'elif_clause' ? 'condition' : 'comparison'} on line ${n}`,
      concept: boundary
        ? 'Think about the boundary case: what should happen when the two values being compared are equal? Try the failing input by hand at exactly that point.'
        : k === 'negate' ? 'The condition is true exactly when it should be false: read it aloud for the failing input.'
          : 'The condition decides which path the code takes. For the failing input, work out which path it takes and which one it should take.',
    };
  }
  if (returns || k === 'returnValue') {
    return {
      problem: 'returned value',
      where: `the value returned on line ${n}`,
      concept: 'Compare what the function returns with what the test expects for this input: is it the right variable, the right expression, returned at the right moment?',
    };
  }
  const table: Record<string, [string, string]> = {
    arithmetic: ['calculation', 'Recompute the expression by hand for the failing input: is each operator the one you mean?'],
    constant: ['constant', 'One of the fixed values on this line is not the right one for every input: check it against the expected output.'],
    identifier: ['variable', 'A name on this line may refer to a different variable than the one you mean: check which value each name holds here.'],
    field: ['field', 'A field read on this line may be a different one than you mean: check which property of the object each name reads.'],
    index: ['index', 'Check which element this index picks for the failing input: indexes start at 0 and the last one is len - 1.'],
    slice: ['slice', 'Check where the slice starts and stops: the stop position is not included.'],
    update: ['update', 'Check how this variable changes on each step: by how much, and in which direction?'],
    deleteStatement: ['extra step', 'This line does something the failing input does not need: trace what it changes and whether that is wanted.'],
    dropCall: ['function call', 'Check whether the function called on this line is needed and does what you expect.'],
    wrap: ['function call', 'The value on this line may need converting or processing before it is used.'],
    methodWrap: ['function call', 'The value on this line may need converting or processing before it is used.'],
    relatedCall: ['function call', 'A similar function to the one called here does what the test expects: check what this one returns.'],
    dropArgument: ['arguments', 'Check the arguments passed on this line: are they all needed?'],
    dropOperand: ['expression', 'Part of the expression on this line may not belong there: evaluate it by hand.'],
    addTerm: ['expression', 'The expression on this line may be missing a part: evaluate it by hand and compare with the expected result.'],
    dropUnary: ['sign', 'Check the sign or negation on this line.'],
  };
  const [problem, concept] = table[k] ?? ['this line', 'Trace the failing input through this line by hand and compare each value with what it should be.'];
  const where = problem === 'this line' ? `line ${n}` : `the ${problem} on line ${n}`;
  return { problem, where, concept };
}
