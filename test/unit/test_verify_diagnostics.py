"""The expected-* annotation syntax of `pto-opt --verify-diagnostics`."""

from __future__ import annotations

from ptoc.diagnostics import Diagnostic, Severity, SourceLocation
from ptoc.tools.verify_diagnostics import Expectation, check, parse_expectations


def _parse(text: str, offset: int = 0) -> list[Expectation]:
    found = parse_expectations(text, offset)
    assert not isinstance(found, str), found
    return found


def test_line_designators() -> None:
    text = "\n".join([
        "a // expected-error {{same}}",            # 1
        "// expected-warning@+2 {{plus two}}",     # 2
        "// expected-note@below {{below}}",        # 3
        "b",                                       # 4
        "// expected-error@above {{above}}",       # 5
        "// expected-error@-4 {{minus}}",          # 6
        "// expected-error@unknown {{nowhere}}",   # 7
    ])
    got = [(e.severity, e.line, e.text) for e in _parse(text, offset=10)]
    assert got == [
        (Severity.ERROR, 11, "same"),
        (Severity.WARNING, 14, "plus two"),
        (Severity.NOTE, 14, "below"),
        (Severity.ERROR, 14, "above"),
        (Severity.ERROR, 12, "minus"),
        (Severity.ERROR, None, "nowhere"),
    ]


def test_malformed_annotation_is_reported() -> None:
    assert isinstance(parse_expectations("// expected-error@+1 oops", 0), str)


def _diag(line: int | None, msg: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    loc = None if line is None else SourceLocation("f.mlir", line, 3)
    return Diagnostic(severity, msg, "pto.spmd", loc)


def test_check_matches_substring_severity_and_line() -> None:
    exp = _parse("x\n// expected-error@-1 {{'pto.spmd' op bad}}")
    assert check([_diag(1, "bad thing")], exp, "f.mlir") == []


def test_check_names_unexpected_and_missing() -> None:
    exp = _parse("x\n// expected-error@-1 {{other}}")
    problems = check([_diag(1, "bad thing")], exp, "f.mlir")
    assert problems == [
        "f.mlir:1:3: error: unexpected error: 'pto.spmd' op bad thing",
        'f.mlir:2: error: expected error "other" was not produced on line 1',
    ]


def test_each_expectation_matches_one_diagnostic() -> None:
    exp = _parse("x // expected-warning {{w}}")
    problems = check(
        [_diag(1, "w", Severity.WARNING), _diag(1, "w", Severity.WARNING)], exp, "f.mlir"
    )
    assert problems == ["f.mlir:1:3: error: unexpected warning: 'pto.spmd' op w"]
