# A slice of a global tensor in the orchestration code is a view of it (PyPTO's
# orchestration tensor.slice: no data moved): a task's loads and stores through the view
# go to the tensor at the view's offsets plus their own, a whole view given to a tile op
# is loaded at the task's entry, and a slice of a view (or pl.slice in the orchestration
# code) is a view. The run equals numpy's
# (exp rounded once from double, the numerics contract);
# pto-check-races sees the tensor's own indices. A view cannot be loop-carried or differ
# between the branches of an if, and a static window must stay inside the view.
# A staging tensor made with pl.create_tensor and assembled into a target once is a view
# of the target (PyPTO's FuseCreateAssembleToSlice): the tasks store straight into it and
# the assemble is dropped; assembled twice it stays a buffer, and the orchestration
# assemble (a copy between global tensors) is an error.
# RUN: pto-opt %s --func k | filecheck %s
# RUN: pto-opt %s --func k -p pto-check-races > /dev/null
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(0); np.savez(sys.argv[1], x=r.standard_normal((64, 16)).astype(np.float32), s=r.standard_normal((64, 1)).astype(np.float32), y=np.zeros((64, 16), np.float32), z=np.zeros((64, 16), np.float32))" %t.in.npz
# RUN: pto-run %s --func k --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; z = np.zeros_like(x); x3 = x.reshape(4, 16, 16); z.reshape(4, 16, 16)[:, 8:] = x3[:, 8:] + x3[:, :8]; ok = b['y'].tobytes() == (np.exp(x.astype(np.float64)).astype(np.float32) * a['s']).tobytes() and b['z'].tobytes() == z.tobytes(); sys.exit(0 if ok else 1)" %t.in.npz %t.out.npz
# RUN: pto-opt %s --func staged | filecheck --check-prefix=STAGE %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(1); np.savez(sys.argv[1], x=r.standard_normal((64, 16)).astype(np.float32), y=np.zeros((64, 16), np.float32))" %t.st.npz
# RUN: pto-run %s --func staged --inputs %t.st.npz --outputs %t.st.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); sys.exit(0 if b['y'].tobytes() == (a['x'] + a['x']).tobytes() else 1)" %t.st.npz %t.st.out.npz
# RUN: not pto-opt %s --func staged_twice 2>&1 | filecheck --check-prefix=TWICE %s
# RUN: not pto-opt %s --func carried 2>&1 | filecheck --check-prefix=CARRY %s
# RUN: not pto-opt %s --func branches 2>&1 | filecheck --check-prefix=IF %s
# RUN: not pto-opt %s --func outside 2>&1 | filecheck --check-prefix=OOB %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[64, 16], pl.FP32], s: pl.Tensor[[64, 1], pl.FP32],
      y: pl.Out[pl.Tensor[[64, 16], pl.FP32]], z: pl.Out[pl.Tensor[[64, 16], pl.FP32]]):
    for i in pl.range(4):
        v = x[i * 16 : i * 16 + 16]
        w = y[i * 16 : i * 16 + 16]
        sv = s[i * 16 : i * 16 + 16]
        with pl.spmd(2, name_hint="cp"):
            r = pl.tile.get_block_idx()
            e = pl.exp(v[r * 8 : r * 8 + 8, 0:16])
            w[r * 8 : r * 8 + 8, :] = pl.row_expand_mul(e, sv[r * 8 : r * 8 + 8, 0:1])
        v8 = pl.slice(v, [8, 16], [8, 0])
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="whole"):
            z[i * 16 + 8 : i * 16 + 16, :] = pl.add(v8, v[0:8, 0:16])
    return y, z


@pl.jit
def staged(x: pl.Tensor[[64, 16], pl.FP32], y: pl.Out[pl.Tensor[[64, 16], pl.FP32]]):
    for i in pl.range(4):
        t0 = i * 16
        stage = pl.create_tensor([16, 16], dtype=pl.FP32)
        with pl.spmd(2, name_hint="fill"):
            r = pl.tile.get_block_idx()
            a = x[t0 + r * 8 : t0 + r * 8 + 8, 0:16]
            stage[r * 8 : r * 8 + 8, :] = pl.add(a, a)
        y = pl.assemble(y, stage, [t0, 0])
    return y


@pl.jit
def staged_twice(x: pl.Tensor[[64, 16], pl.FP32], y: pl.Out[pl.Tensor[[64, 16], pl.FP32]]):
    stage = pl.create_tensor([16, 16], dtype=pl.FP32)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="fill"):
        stage[0:16, :] = x[0:16, 0:16]
    y = pl.assemble(y, stage, [0, 0])
    y = pl.assemble(y, stage, [16, 0])
    return y


@pl.jit
def carried(x: pl.Tensor[[64, 16], pl.FP32], y: pl.Out[pl.Tensor[[64, 16], pl.FP32]]):
    v = x[0:8]
    for i in pl.range(4):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="cp"):
            y[i * 8 : i * 8 + 8, :] = v[0:8, 0:16]
        v = x[i * 8 + 8 : i * 8 + 16]
    return y


@pl.jit
def branches(x: pl.Tensor[[64, 16], pl.FP32], y: pl.Out[pl.Tensor[[64, 16], pl.FP32]],
             n: pl.Tensor[[4], pl.INT32]):
    if pl.read(n, [0]) > 3:
        v = x[0:8]
    else:
        v = x[8:16]
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="cp"):
        y[0:8, :] = v[0:8, 0:16]
    return y


@pl.jit
def outside(x: pl.Tensor[[64, 16], pl.FP32], y: pl.Out[pl.Tensor[[64, 16], pl.FP32]]):
    v = x[8:16]
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="cp"):
        y[0:8, :] = pl.load(v, [4, 0], [8, 16])
    return y

# CHECK:      pto.range %i = {{.*}} {
# CHECK:        %[[VOFF:.*]] = arith.muli %i, %{{.*}} : index
# CHECK:        %[[WOFF:.*]] = arith.muli %i, %{{.*}} : index
# CHECK:        %[[SOFF:.*]] = arith.muli %i, %{{.*}} : index
# CHECK:        pto.spmd %task = 0 to 2 name "cp" core vector {
# CHECK:          %[[R:.*]] = arith.muli %task, %{{.*}} : index
# CHECK:          %[[ROW:.*]] = arith.addi %[[VOFF]], %[[R]] : index
# CHECK:          pto.load %x[%[[ROW]], %{{.*}}] : memref<64x16xf32> -> tensor<8x16xf32>
# CHECK:          %[[SROW:.*]] = arith.addi %[[SOFF]], %{{.*}} : index
# CHECK:          pto.load %s[%[[SROW]], %{{.*}}] : memref<64x1xf32> -> tensor<8x1xf32>
# CHECK:          %[[WROW:.*]] = arith.addi %[[WOFF]], %{{.*}} : index
# CHECK:          pto.store %{{.*}}, %y[%[[WROW]], %{{.*}}] : tensor<8x16xf32>, memref<64x16xf32>
# CHECK:        %[[V8:.*]] = arith.addi %[[VOFF]], %{{.*}} : index
# CHECK:        pto.spmd %{{.*}} = 0 to 1 name "whole" core vector {
# CHECK-NEXT:     %{{.*}} = arith.constant 0 : index
# CHECK-NEXT:     %{{.*}} = pto.load %x[%[[V8]], %{{.*}}] : memref<64x16xf32> -> tensor<8x16xf32>
# CARRY: orchestration-view.py:72:5: error: the loop makes 'v' another view of a global tensor: a view cannot be loop-carried
# IF: orchestration-view.py:82:5: error: 'v' is a different tensor in the two branches
# OOB: orchestration-view.py:95:21: error: offset 4 is out of bounds for dimension 0 of a view [8, 16] of a tensor [64, 16] FP32
# STAGE-NOT:  memref.alloc
# STAGE:      pto.range %i
# STAGE:        %[[T0:.*]] = arith.muli %i, %{{.*}} : index
# STAGE:        pto.spmd %task = 0 to 2 name "fill" core vector {
# STAGE:          pto.load %x
# STAGE:          %[[ROW:.*]] = arith.addi %[[T0]], %{{.*}} : index
# STAGE-NEXT:     pto.store %{{.*}}, %y[%[[ROW]], %{{.*}}] : tensor<8x16xf32>, memref<64x16xf32>
# STAGE-NOT:  memref.alloc
# TWICE: orchestration-view.py:64:9: error: storing a tile works on tiles and must be inside a pl.at or pl.spmd scope
