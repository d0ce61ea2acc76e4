// A kernel argument of 5 * 10**13 elements: making its random input runs out of
// memory. A clean error, not "internal error: MemoryError".
// RUN: not pto-run %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: pto-run: error: out of memory: Unable to allocate {{.*}} for an array with shape (99999999999, 512)
// CHECK-NOT: internal error

func.func @f(%big: memref<99999999999x512xf32>) {
  pto.spmd %t = 0 to 4 name "s" {
  }
  func.return
}
