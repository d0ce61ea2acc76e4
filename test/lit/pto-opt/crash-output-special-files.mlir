// -o writes through a symlink and into a device or pipe; it used to replace them with
// a regular file (as root, `pto-opt x.mlir -o /dev/null` replaced /dev/null itself).
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo old > %t/real.mlir
// RUN: ln -s real.mlir %t/link.mlir
// RUN: pto-opt %s -o %t/link.mlir
// RUN: test -L %t/link.mlir
// RUN: filecheck --input-file %t/real.mlir %s
// RUN: pto-opt %s -o /dev/stdout | filecheck %s
// RUN: not pto-opt %s -o %t 2>&1 | filecheck --check-prefix=DIR %s
// CHECK: pto.spmd %t = 0 to 4 name "s" {
// DIR-NOT: Traceback
// DIR: pto-opt: error: cannot write '{{.*}}': Is a directory

func.func @f() {
  pto.spmd %t = 0 to 4 name "s" {
  }
  func.return
}
