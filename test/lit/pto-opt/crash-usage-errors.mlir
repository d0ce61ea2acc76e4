// A command-line error is one line and exit 1, as in pto-run and pto-tune (argparse
// printed the usage and exited 2, the code of an internal error).
// RUN: not pto-opt %s --bogus 2>&1 | filecheck %s
// CHECK: pto-opt: error: unrecognized arguments: --bogus (see pto-opt --help)
// CHECK-NOT: usage:
// RUN: not pto-opt %s -t nope 2>&1 | filecheck --check-prefix=TARGET %s
// TARGET: pto-opt: error: argument -t/--target: invalid choice: 'nope'
// RUN: pto-opt --version | filecheck --check-prefix=VERSION %s
// VERSION: pto-opt (ptoc) built on xdsl

func.func @f() {
  func.return
}
