"""Cross-field rules: a small, safe expression language over the columns of a row.

A spec may declare rules that every row must satisfy, e.g. ``end_date >= start_date`` or
``income_other == 0 or months_on_benefit > 0``. They are parsed with :mod:`ast` and checked
against a whitelist *before* any data is read; nothing is passed to ``eval`` or
``DataFrame.eval``, so a spec cannot run code.

Allowed:

* column names (``income``; a name with spaces or symbols in backticks: ```hours per week```),
* constants: numbers, text in quotes, ``True``, ``False``, and lists of them (for ``in``),
* comparisons ``== != < <= > >=`` (chains such as ``0 <= x <= 1`` too), ``in`` / ``not in`` a
  list,
* ``and``, ``or``, ``not``; arithmetic ``+ - * /``;
* the functions ``abs(x)``, ``isna(column)`` and ``notna(column)``.

Evaluation is vectorised (pandas operations on whole columns). A row where a column the rule
uses is missing is *not evaluated* (counted separately), unless the column only appears inside
``isna()`` / ``notna()``: a missing value neither satisfies nor breaks a rule about values.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # parsing needs neither; evaluating imports them (the spec loader parses only)
    import numpy as np
    import pandas as pd

FUNCTIONS = ("abs", "isna", "notna")
_BACKTICK = re.compile(r"`([^`]+)`")
_COMPARE = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
}
_ARITHMETIC = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_HELP = ("use column names, constants, comparisons (== != < <= > >=, in [...]), and/or/not, "
         "+ - * /, abs(), isna(), notna()")


class ExpressionError(ValueError):
    """A cross-field rule that is not in the allowed language (the message says what and where)."""


@dataclass(frozen=True)
class Expression:
    """A parsed, whitelisted rule.

    Attributes
    ----------
    text
        The rule as written.
    columns
        Every column it names, in order of appearance.
    value_columns
        The columns whose values it compares (a row missing one of them is not evaluated).
    """

    text: str
    tree: ast.Expression
    columns: tuple[str, ...]
    value_columns: tuple[str, ...]
    names: dict[str, str]


def parse_expression(text: str) -> Expression:
    """Parse and whitelist a rule.

    Raises
    ------
    ExpressionError
        Naming the first construct that is not allowed.

    Examples
    --------
    >>> parse_expression("end_date >= start_date").columns
    ('end_date', 'start_date')
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"must be a rule as text, e.g. 'end_date >= start_date', found {text!r}")
    names: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        name = f"__column_{len(names)}__"
        names[name] = match.group(1)
        return name

    source = _BACKTICK.sub(placeholder, text.strip())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"is not a valid rule ({exc.msg}); {_HELP}") from None
    columns: list[str] = []
    value_columns: list[str] = []

    def column(name: str) -> str:
        return names.get(name, name)

    def visit(node: ast.AST, in_missing_test: bool = False) -> None:
        if isinstance(node, ast.Expression):
            visit(node.body)
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And | ast.Or):
            for value in node.values:
                visit(value)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub | ast.UAdd):
            visit(node.operand)
        elif isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            visit(node.left)
            visit(node.right)
        elif isinstance(node, ast.Compare):
            visit(node.left)
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn):
                    if not isinstance(right, ast.List | ast.Tuple) or not all(isinstance(e, ast.Constant) for e in right.elts):
                        raise ExpressionError("'in' needs a list of constants on its right, e.g. x in ['a', 'b']")
                elif type(op) not in _COMPARE:
                    raise ExpressionError(f"comparison {type(op).__name__} is not allowed; {_HELP}")
                else:
                    visit(right)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords or len(node.args) != 1:
                raise ExpressionError(f"only the functions {', '.join(f + '(x)' for f in FUNCTIONS)} are allowed")
            if node.func.id in ("isna", "notna"):
                if not isinstance(node.args[0], ast.Name):
                    raise ExpressionError(f"{node.func.id}() takes a column name")
                visit(node.args[0], in_missing_test=True)
            else:
                visit(node.args[0])
        elif isinstance(node, ast.Name):
            name = column(node.id)
            if name not in columns:
                columns.append(name)
            if not in_missing_test and name not in value_columns:
                value_columns.append(name)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, bool | int | float | str):
                raise ExpressionError(f"constant {node.value!r} is not allowed (numbers, text, True, False)")
        else:
            raise ExpressionError(f"'{ast.unparse(node)}' is not allowed; {_HELP}")

    visit(tree)
    body = tree.body
    is_test = (isinstance(body, ast.Compare | ast.BoolOp)
               or (isinstance(body, ast.UnaryOp) and isinstance(body.op, ast.Not))
               or (isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id in ("isna", "notna")))
    if not is_test:
        raise ExpressionError("must be a condition that is true or false for a row, e.g. 'end_date >= start_date'")
    if not columns:
        raise ExpressionError("names no column; a rule compares columns of a row")
    return Expression(text=text, tree=tree, columns=tuple(columns), value_columns=tuple(value_columns), names=names)


def _truth(value: Any, n: int) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.Series):
        return value.fillna(False).to_numpy(dtype=bool) if value.dtype != bool else value.to_numpy()
    if isinstance(value, np.ndarray):
        return value.astype(bool)
    return np.full(n, bool(value))


def evaluate(expression: Expression, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Evaluate a rule on every row.

    Returns
    -------
    (holds, evaluated)
        Boolean arrays: whether the rule holds on the row, and whether the row was evaluated
        (no value column missing). A violation is ``evaluated & ~holds``.

    Raises
    ------
    TypeError, ValueError
        When the columns' types do not support an operation (e.g. text compared with a number).
    """
    import numpy as np
    import pandas as pd

    n = len(frame)

    def value(node: ast.AST) -> Any:
        if isinstance(node, ast.BoolOp):
            parts = [_truth(value(v), n) for v in node.values]
            out = parts[0]
            for part in parts[1:]:
                out = (out & part) if isinstance(node.op, ast.And) else (out | part)
            return out
        if isinstance(node, ast.UnaryOp):
            inner = value(node.operand)
            if isinstance(node.op, ast.Not):
                return ~_truth(inner, n)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            return _ARITHMETIC[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.Compare):
            left = value(node.left)
            out = np.ones(n, dtype=bool)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn):
                    allowed = [e.value for e in right_node.elts]  # type: ignore[attr-defined]
                    hit = left.isin(allowed).to_numpy(dtype=bool) if isinstance(left, pd.Series) else np.full(n, left in allowed)
                    out &= hit if isinstance(op, ast.In) else ~hit
                    continue
                right = value(right_node)
                out &= _truth(_COMPARE[type(op)](left, right), n)
                left = right
            return out
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            arg = value(node.args[0])
            if name == "abs":
                return arg.abs() if isinstance(arg, pd.Series) else abs(arg)
            missing = arg.isna().to_numpy() if isinstance(arg, pd.Series) else np.full(n, arg is None)
            return missing if name == "isna" else ~missing
        if isinstance(node, ast.Name):
            return frame[expression.names.get(node.id, node.id)]
        if isinstance(node, ast.Constant):
            return node.value
        raise ExpressionError(f"unexpected {type(node).__name__}")  # unreachable after parse_expression

    holds = _truth(value(expression.tree.body), n)
    evaluated = np.ones(n, dtype=bool)
    for name in expression.value_columns:
        evaluated &= frame[name].notna().to_numpy()
    return holds, evaluated


__all__ = ["FUNCTIONS", "Expression", "ExpressionError", "evaluate", "parse_expression"]
