// A negative --seed reached numpy's generator (ValueError: expected non-negative
// integer, reported as an internal error). Now a usage error of both tools.
// RUN: not pto-run %s --seed -1 2>&1 | filecheck %s --check-prefix=RUN1
// RUN: not pto-tune %s --scope s --seed -1 2>&1 | filecheck %s --check-prefix=TUNE
// RUN1-NOT: Traceback
// RUN1: pto-run: error: argument --seed: a seed must be >= 0, got -1
// TUNE-NOT: Traceback
// TUNE: pto-tune: error: argument --seed: a seed must be >= 0, got -1

func.func @f() {
  pto.spmd %t = 0 to 4 name "s" {
  }
  func.return
}
