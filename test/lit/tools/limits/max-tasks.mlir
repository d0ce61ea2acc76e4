// A task count of 2**31 (static, or given by an input) is refused before any task
// record is made: pto-run used to allocate one record per task (80 MB/s until the
// machine ran out of memory).
// RUN: not pto-run %s --func static 2>&1 | filecheck %s --check-prefix=STATIC
// RUN: python -c "import numpy as np; np.savez('%t.npz', n=np.array(2**40, np.int64))"
// RUN: not pto-run %s --func dynamic --inputs %t.npz 2>&1 | filecheck %s --check-prefix=DYN
// RUN: not pto-run %s --func small --max-tasks 3 2>&1 | filecheck %s --check-prefix=SMALL
// RUN: pto-run %s --func small --max-tasks 4 | filecheck %s --check-prefix=OK

func.func @static() {
  pto.spmd %t = 0 to 2147483648 name "huge" {
  }
  func.return
}
// STATIC: max-tasks.mlir:[[# @LINE - 4]]:3: error: 'pto.spmd' op launches 2147483648 tasks, more than the limit of 100000 (--max-tasks)

func.func @dynamic(%n: index) {
  pto.spmd %t = 0 to %n name "given" {
  }
  func.return
}
// DYN: max-tasks.mlir:[[# @LINE - 4]]:3: error: 'pto.spmd' op launches 1099511627776 tasks, more than the limit of 100000

func.func @small() {
  pto.spmd %t = 0 to 4 name "four" {
  }
  func.return
}
// SMALL: error: 'pto.spmd' op launches 4 tasks, more than the limit of 3 (--max-tasks)
// OK: scope four (vector): 4 tasks
