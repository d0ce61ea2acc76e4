// "may race" warnings: the indices, or whether the stores run, depend on values known
// only at run time. Compilation continues, the IR is unchanged.
// RUN: pto-opt %s --split-input-file > %t.ref.mlir
// RUN: pto-opt %s --split-input-file -p pto-check-races 2> %t.err > %t.out.mlir
// RUN: diff %t.ref.mlir %t.out.mlir
// RUN: filecheck %s --input-file %t.err

// A paged row from a block table, as the seed writes its state: page =
// block_table[b, p / 4], row = page * 4 + p % 4. Without an assertion about the table,
// two batches may own the same page.
func.func @block_table(%kv: memref<64x1024xf32>, %block_table: memref<64x65xi32>,
                       %state: memref<?x1024xf32>) {
  pto.spmd %b = 0 to 64 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %v = pto.load %kv[%b, %c0] : memref<64x1024xf32> -> tensor<1x1024xf32>
    pto.range %p = %c0 to %c4 step %c1 {
      %blk = arith.divsi %p, %c4 : index
      %page_i32 = pto.read %block_table[%b, %blk] : memref<64x65xi32> -> i32
      %page = arith.index_cast %page_i32 : i32 to index
      %base = arith.muli %page, %c4 : index
      %off = arith.remsi %p, %c4 : index
      %row = arith.addi %base, %off : index
      pto.store %v, %state[%row, %c0] : tensor<1x1024xf32>, memref<?x1024xf32>
      // CHECK: may-race.mlir:[[# @LINE - 1]]:7: warning: 'pto.store' op may race: cannot prove that different tasks write disjoint parts of state (store at {{.*}}may-race.mlir:[[# @LINE - 1]]:7 and store at {{.*}}may-race.mlir:[[# @LINE - 1]]:7): the indices depend on block_table[b, 0] (read from memory), unknown at compile time; if different rows of the table hold different values, add {pto.distinct_rows} to the pto.read
    }
  }
  func.return
}

// -----

// The same with the author's assertion that rows of the table hold distinct pages:
// proved disjoint, no diagnostic.
func.func @block_table_distinct(%kv: memref<64x1024xf32>, %block_table: memref<64x65xi32>,
                                %state: memref<?x1024xf32>) {
  pto.spmd %b = 0 to 64 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %v = pto.load %kv[%b, %c0] : memref<64x1024xf32> -> tensor<1x1024xf32>
    pto.range %p = %c0 to %c4 step %c1 {
      %blk = arith.divsi %p, %c4 : index
      %page_i32 = pto.read %block_table[%b, %blk] {pto.distinct_rows} : memref<64x65xi32> -> i32
      %page = arith.index_cast %page_i32 : i32 to index
      %base = arith.muli %page, %c4 : index
      %off = arith.remsi %p, %c4 : index
      %row = arith.addi %base, %off : index
      pto.store %v, %state[%row, %c0] : tensor<1x1024xf32>, memref<?x1024xf32>
    }
  }
  func.return
}
// CHECK-NOT: may-race.mlir:5{{[0-9]}}:

// -----

// Two tasks store the same row under a data-dependent condition: a race if both run,
// which depends on memory.
func.func @under_if(%flags: memref<8xi32>, %x: memref<1x64xf32>, %out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c0_i32 = arith.constant 0 : i32
    %c2 = arith.constant 2 : index
    %f = pto.read %flags[%t] : memref<8xi32> -> i32
    %on = arith.cmpi ne, %f, %c0_i32 : i32
    scf.if %on {
      %r = arith.divsi %t, %c2 : index
      %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
      pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<4x64xf32>
      // CHECK: may-race.mlir:[[# @LINE - 1]]:7: warning: 'pto.store' op may race: if both stores run, tasks 0 and 1 both write out[0, 0:64] (store at {{.*}} and store at {{.*}}); whether they run depends on %on, unknown at compile time
    }
  }
  func.return
}

// -----

// A value of each task's own that the analysis does not model (an scf.if result) is
// unknown.
func.func @opaque(%x: memref<1x64xf32>, %out: memref<?x64xf32>, %sel: memref<8xi32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c0_i32 = arith.constant 0 : i32
    %s = pto.read %sel[%t] : memref<8xi32> -> i32
    %z = arith.cmpi eq, %s, %c0_i32 : i32
    %r = scf.if %z -> (index) {
      scf.yield %c0 : index
    } else {
      scf.yield %c1 : index
    }
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<?x64xf32>
    // CHECK: may-race.mlir:[[# @LINE - 1]]:5: warning: 'pto.store' op may race: cannot prove that different tasks write disjoint parts of out (store at {{.*}}): the indices depend on r, unknown at compile time
  }
  func.return
}

// -----

// The else branch of a data-dependent condition, and a loop whose trip count is known
// only at run time (both stores write row 0 if the loop runs at all).
func.func @else_and_dynamic_loop(%flags: memref<8xi32>, %n: index, %x: memref<1x64xf32>,
                                 %out: memref<4x64xf32>, %acc: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c0_i32 = arith.constant 0 : i32
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %f = pto.read %flags[%t] : memref<8xi32> -> i32
    %off = arith.cmpi eq, %f, %c0_i32 : i32
    scf.if %off {
    } else {
      pto.store %v, %out[%c0, %c0] : tensor<1x64xf32>, memref<4x64xf32>
      // CHECK: may-race.mlir:[[# @LINE - 1]]:7: warning: 'pto.store' op may race: if both stores run, tasks 0 and 1 both write out[0, 0:64] (store at {{.*}} and store at {{.*}}); whether they run depends on not (%off), unknown at compile time
    }
    pto.range %i = %c0 to %n step %c1 {
      pto.store %v, %acc[%c0, %c0] : tensor<1x64xf32>, memref<4x64xf32>
      // CHECK: may-race.mlir:[[# @LINE - 1]]:7: warning: 'pto.store' op may race: if both stores run, tasks 0 and 1 both write acc[0, 0:64] (store at {{.*}} and store at {{.*}}); whether they run depends on whether loop %i runs at all, unknown at compile time
    }
  }
  func.return
}
// CHECK-NOT: warning
