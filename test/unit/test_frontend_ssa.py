"""PyPTO's SSA rules in ptoc.frontend: one test per rule, and the reference's worked
examples A to E (hw-native-sys/pypto `src/ir/transforms/convert_to_ssa_pass.cpp`, as
described for the DeepSeek-V4 seed kernel), each checking the exact iter_args."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from xdsl.dialects import scf
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr

from ptoc.dialects.pto import RangeOp, SpmdOp
from ptoc.frontend import CARRIED_TENSORS_ATTR, FrontendError, load_kernel

HEADER = "import pypto.language as pl\n\n"


def load(tmp_path: Path, body: str, name: str = "k.py", **kw: object) -> ModuleOp:
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body))
    return load_kernel(str(path), **kw)  # pyright: ignore[reportArgumentType]


def loops(m: ModuleOp) -> list[RangeOp]:
    return [o for o in m.walk() if isinstance(o, RangeOp)]


def carries(loop: RangeOp) -> list[str]:
    """The iter_args of a loop by name (the Python names PyPTO carries)."""
    return [a.name_hint or "?" for a in loop.body.block.args[1:]]


def tensor_carries(loop: RangeOp) -> list[str]:
    attr = loop.attributes.get(CARRIED_TENSORS_ATTR)
    if not isinstance(attr, ArrayAttr):
        return []
    return [s.data for s in attr.data if isinstance(s, StringAttr)]  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]


def loop_by_index(m: ModuleOp, name: str) -> list[RangeOp]:
    return [lp for lp in loops(m) if lp.index.name_hint == name]


def ifs(m: ModuleOp) -> list[scf.IfOp]:
    return [o for o in m.walk() if isinstance(o, scf.IfOp)]


SIG = """
@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], n: pl.Tensor[[64], pl.INT32],
      y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
"""


def kernel(body: str) -> str:
    return SIG + textwrap.indent(textwrap.dedent(body), "    ")


# ----------------------------------------------------------------- rule 1: carried


def test_carried_when_assigned_in_body_and_defined_before(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            acc = x[0:1, 0:64]
            for i in pl.range(4):
                acc = pl.add(acc, x[i:i + 1, 0:64])
            y[0:1, 0:64] = acc
    """))
    (lp,) = loops(m)
    assert carries(lp) == ["acc"]
    assert lp.res[0].name_hint == "acc"


def test_carried_even_when_overwritten_before_read(tmp_path: Path) -> None:
    # "whether the body reads it first does not matter": a dead carry
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            t = x[0:1, 0:64]
            for i in pl.range(4):
                t = x[i:i + 1, 0:64]
                y[i:i + 1, 0:64] = pl.exp(t)
    """))
    (lp,) = loops(m)
    assert carries(lp) == ["t"]


def test_assigned_at_any_depth_is_carried(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            a = x[0:1, 0:64]
            for i in pl.range(4):
                for j in pl.range(2):
                    v = pl.cast(pl.read(n, [j]), pl.INDEX)
                    if v > 3:
                        a = pl.exp(a)
            y[0:1, 0:64] = a
    """))
    outer, inner = loops(m)
    assert carries(outer) == ["a"]
    assert carries(inner) == ["a"]


def test_iter_args_sorted_by_name(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            zeta = x[0:1, 0:64]
            alpha = x[1:2, 0:64]
            mid = x[2:3, 0:64]
            for i in pl.range(4):
                zeta = pl.exp(zeta)
                mid = pl.exp(mid)
                alpha = pl.exp(alpha)
            y[0:1, 0:64] = pl.add(pl.add(zeta, alpha), mid)
    """))
    assert carries(loops(m)[0]) == ["alpha", "mid", "zeta"]


def test_loop_variable_is_not_carried_nor_visible_after(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            for i in pl.range(4):
                y[i:i + 1, 0:64] = x[i:i + 1, 0:64]
            for i in pl.range(2):
                y[i:i + 1, 0:64] = x[i:i + 1, 0:64]
    """))
    assert [carries(lp) for lp in loops(m)] == [[], []]


def test_defined_at_top_level_of_earlier_scope_is_carried(tmp_path: Path) -> None:
    # ConvertScope does not restore cur_: a name assigned at the top level of an earlier
    # pl.at body has a value at the later loop's entry. The incoming value lives in the
    # other task, so (never read) it gets a placeholder initial value.
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="first"):
            r = pl.cast(pl.read(n, [0]), pl.INDEX)
            y[r:r + 1, 0:64] = x[0:1, 0:64]
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="second"):
            for i in pl.range(4):
                r = pl.cast(pl.read(n, [i]), pl.INDEX)
                y[r:r + 1, 0:64] = x[1:2, 0:64]
    """))
    (lp,) = loops(m)
    assert carries(lp) == ["r"]
    init = lp.iter_args[0]
    assert init.owner.name == "arith.constant"  # pyright: ignore[reportAttributeAccessIssue]


def test_carry_of_another_tasks_value_that_is_read_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FrontendError, match=r"carries 'r'.*reads the carried value"):
        load(tmp_path, kernel("""
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="first"):
                r = pl.cast(pl.read(n, [0]), pl.INDEX)
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="second"):
                for i in pl.range(4):
                    r = r + i
                    y[r:r + 1, 0:64] = x[1:2, 0:64]
        """))


def test_name_first_assigned_in_earlier_loop_is_not_carried(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            for i in pl.range(4):
                t = pl.exp(x[i:i + 1, 0:64])
                y[i:i + 1, 0:64] = t
            for j in pl.range(4):
                t = pl.neg(x[j:j + 1, 0:64])
                y[j:j + 1, 0:64] = t
    """))
    assert [carries(lp) for lp in loops(m)] == [[], []]


def test_name_from_one_branch_of_earlier_if_is_not_carried(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            v = pl.cast(pl.read(n, [0]), pl.INDEX)
            if v > 0:
                t = x[0:1, 0:64]
                y[0:1, 0:64] = t
            for j in pl.range(4):
                t = x[j:j + 1, 0:64]
                y[j:j + 1, 0:64] = t
    """))
    assert carries(loops(m)[0]) == []


def test_subscript_store_makes_a_tensor_carry(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            for i in pl.range(4):
                y[i:i + 1, 0:64] = x[i:i + 1, 0:64]
    """))
    (lp,) = loops(m)
    assert carries(lp) == []  # memory is updated in place: no register iter_arg
    assert tensor_carries(lp) == ["y"]


# ----------------------------------------------------------------- rule 2: escaping


def test_escaping_name_is_promoted(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            base = x[0:1, 0:64]
            for i in pl.range(4):
                last = pl.exp(x[i:i + 1, 0:64])
            y[0:1, 0:64] = pl.add(last, base)
    """))
    (lp,) = loops(m)
    assert carries(lp) == ["last"]
    assert lp.iter_args[0].name_hint == "base"  # a same-typed pre-loop value


def test_not_escaping_when_reassigned_before_the_later_read(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            for i in pl.range(4):
                t = pl.exp(x[i:i + 1, 0:64])
            t = x[5:6, 0:64]
            y[0:1, 0:64] = t
    """))
    assert carries(loops(m)[0]) == []


def test_escaping_is_cut_at_the_scope_boundary(tmp_path: Path) -> None:
    # a read after the scope does not promote a scope-local name (ConvertScope, #1351)
    with pytest.raises(FrontendError, match="'t' is not defined here"):
        load(tmp_path, kernel("""
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="a"):
                for i in pl.range(4):
                    t = pl.exp(x[i:i + 1, 0:64])
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="b"):
                y[0:1, 0:64] = t
        """))


# ----------------------------------------------------------------- rule 3: if-phis


def test_if_phi_for_changed_names_else_yields_incoming(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            a = x[0:1, 0:64]
            v = pl.cast(pl.read(n, [0]), pl.INDEX)
            if v > 0:
                a = pl.exp(a)
            y[0:1, 0:64] = a
    """))
    (iff,) = ifs(m)
    assert [r.name_hint for r in iff.results] == ["a"]
    else_yield = iff.false_region.block.last_op
    assert else_yield is not None and else_yield.operands[0].name_hint == "a"


def test_if_phi_for_name_new_in_both_branches_none_for_one(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            v = pl.cast(pl.read(n, [0]), pl.INDEX)
            if v > 0:
                both = x[0:1, 0:64]
                only = x[2:3, 0:64]
                y[2:3, 0:64] = only
            else:
                both = x[1:2, 0:64]
            y[0:1, 0:64] = both
    """))
    (iff,) = ifs(m)
    assert [r.name_hint for r in iff.results] == ["both"]


def test_if_in_loop_on_escaping_name_gets_a_phi(tmp_path: Path) -> None:
    # issue #600: inside a loop an escaping name has a pre-if version (its iter_arg)
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            base = x[0:1, 0:64]
            for i in pl.range(4):
                v = pl.cast(pl.read(n, [i]), pl.INDEX)
                if v > 0:
                    hit = x[i:i + 1, 0:64]
            y[0:1, 0:64] = pl.add(hit, base)
    """))
    assert carries(loops(m)[0]) == ["hit"]
    assert [r.name_hint for r in ifs(m)[0].results] == ["hit"]


def test_constant_if_keeps_the_taken_branch(tmp_path: Path) -> None:
    m = load(tmp_path, "FLAG = False\n" + kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            a = x[0:1, 0:64]
            if FLAG:
                a = pl.exp(a)
            else:
                a = pl.neg(a)
            y[0:1, 0:64] = a
    """))
    assert ifs(m) == []
    assert any(o.name == "arith.negf" for o in m.walk())
    assert not any(o.name == "math.exp" for o in m.walk())


# ----------------------------------------------------------------- rule 4: pl.unroll


def test_unroll_is_cloned_before_ssa(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            for j in pl.unroll(3):
                m = x[j:j + 1, 0:64]
                m = pl.exp(m)
                y[j:j + 1, 0:64] = m
    """))
    assert loops(m) == []
    assert sum(1 for o in m.walk() if o.name == "math.exp") == 3


def test_unroll_inside_a_loop_carries_what_its_copies_assign(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            acc = x[0:1, 0:64]
            for i in pl.range(4):
                for j in pl.unroll(2):
                    acc = pl.add(acc, x[j:j + 1, 0:64])
            y[0:1, 0:64] = acc
    """))
    (lp,) = loops(m)
    assert carries(lp) == ["acc"]
    adds = [o for o in lp.body.walk() if o.name == "arith.addf"]
    assert len(adds) == 2 and adds[1].operands[0] is adds[0].results[0]


# ----------------------------------------------------------------- worked examples

SEEDISH = """
B = 64
S = 2
HEAD_DIM = 512
HEAD_TILE = 64
RMS_TILE = 16
OUT_DIM = 1024
COMPRESS_RATIO = 4
POOL_GROUP = 2
D = 1024
K_TILE = 512
B_TILE = 64
OUT_TILE = 64
ROWS = pl.dynamic("ROWS")
"""


def test_example_a_accumulator_carried_temporaries_local(tmp_path: Path) -> None:
    m = load(tmp_path, SEEDISH + """
@pl.jit
def k(kv: pl.Tensor[[B, HEAD_DIM], pl.FP32], out: pl.Out[pl.Tensor[[B, 1], pl.FP32]]):
    for t in pl.spmd(B // RMS_TILE, name_hint="rmsnorm_rope"):
        r0 = t * RMS_TILE
        partial_sq = pl.full([RMS_TILE, 1], dtype=pl.FP32, value=0.0)
        for k0 in pl.range(0, HEAD_DIM, HEAD_TILE):
            kv_rms_chunk = kv[r0:r0 + RMS_TILE, k0:k0 + HEAD_TILE]
            kv_rms_sq = pl.mul(kv_rms_chunk, kv_rms_chunk)
            kv_rms_rowsum = pl.row_sum(kv_rms_sq)
            partial_sq = pl.add(partial_sq, kv_rms_rowsum)
        variance = pl.div(partial_sq, 512.0)
        out[r0:r0 + RMS_TILE, 0:1] = variance
""")
    (lp,) = loops(m)
    assert carries(lp) == ["partial_sq"]
    assert lp.iter_args[0].name_hint == "partial_sq"
    div = next(o for o in m.walk() if o.name == "pto.divs")
    assert div.operands[0] is lp.res[0]


def test_example_b_carry_through_if_with_phi(tmp_path: Path) -> None:
    m = load(tmp_path, SEEDISH + """
@pl.jit
def k(x: pl.Tensor[[B * S, D], pl.BF16], wkv: pl.Tensor[[D, OUT_DIM], pl.BF16],
      wgate: pl.Tensor[[D, OUT_DIM], pl.BF16],
      kv_proj: pl.Out[pl.Tensor[[B * S, OUT_DIM], pl.FP32]],
      score_proj: pl.Out[pl.Tensor[[B * S, OUT_DIM], pl.FP32]]):
    for i in pl.spmd(32, name_hint="kv_score_proj"):
        global_row0 = (i // 16) * B_TILE
        o0 = (i % 16) * OUT_TILE
        kv_acc = pl.create_tensor([B_TILE, OUT_TILE], dtype=pl.FP32)
        score_acc = pl.create_tensor([B_TILE, OUT_TILE], dtype=pl.FP32)
        for kb in pl.pipeline(0, D // K_TILE, stage=2):
            k0 = kb * K_TILE
            x_tile = x[global_row0:global_row0 + B_TILE, k0:k0 + K_TILE]
            wkv_tile = wkv[k0:k0 + K_TILE, o0:o0 + OUT_TILE]
            wgate_tile = wgate[k0:k0 + K_TILE, o0:o0 + OUT_TILE]
            if k0 == 0:
                kv_acc = pl.matmul(x_tile, wkv_tile, out_dtype=pl.FP32)
                score_acc = pl.matmul(x_tile, wgate_tile, out_dtype=pl.FP32)
            else:
                kv_acc = pl.matmul_acc(kv_acc, x_tile, wkv_tile)
                score_acc = pl.matmul_acc(score_acc, x_tile, wgate_tile)
        kv_proj[global_row0:global_row0 + B_TILE, o0:o0 + OUT_TILE] = kv_acc
        score_proj[global_row0:global_row0 + B_TILE, o0:o0 + OUT_TILE] = score_acc
""")
    (lp,) = loops(m)
    assert lp.stages == 2
    assert carries(lp) == ["kv_acc", "score_acc"]
    assert [v.name_hint for v in lp.iter_args] == ["kv_acc", "score_acc"]
    (iff,) = ifs(m)
    assert [r.name_hint for r in iff.results] == ["kv_acc", "score_acc"]


def test_example_c_subscript_stores_carry_through_both_loops(tmp_path: Path) -> None:
    m = load(tmp_path, SEEDISH + """
@pl.jit
def k(start_pos: pl.Tensor[[B], pl.INT32], proj: pl.Tensor[[B * S, OUT_DIM], pl.FP32],
      ape: pl.Tensor[[4, OUT_DIM], pl.FP32],
      compress_state_flat: pl.InOut[pl.Tensor[[ROWS, 2 * OUT_DIM], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="state_scatter_paged"):
        for c_idx in pl.range(B):
            start = pl.cast(pl.read(start_pos, [c_idx]), pl.INDEX)
            for s in pl.pipeline(S, stage=2):
                row = start + s
                kv_tile = proj[c_idx * S + s:c_idx * S + s + 1, 0:OUT_DIM]
                score_tile = proj[c_idx * S + s:c_idx * S + s + 1, 0:OUT_DIM]
                ape_tile = ape[0:1, 0:OUT_DIM]
                score_tile = pl.add(score_tile, ape_tile)
                compress_state_flat[row:row + 1, 0:OUT_DIM] = kv_tile
                compress_state_flat[row:row + 1, OUT_DIM:2 * OUT_DIM] = score_tile
""")
    outer, inner = loops(m)
    assert tensor_carries(outer) == ["compress_state_flat"]
    assert tensor_carries(inner) == ["compress_state_flat"]
    assert carries(outer) == [] and carries(inner) == []  # score_tile is local


EXAMPLE_D = SEEDISH + """
@pl.jit
def k(start_pos: pl.Tensor[[B], pl.INT32], block_table: pl.Tensor[[B, 65], pl.INT32],
      state: pl.Tensor[[ROWS, 2048], pl.FP32],
      pooled_kv: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]]):
    for cg in pl.spmd(B // POOL_GROUP, name_hint="softmax_pool"):
        for ci in pl.range(POOL_GROUP):
            c_idx = cg * POOL_GROUP + ci
            start_pos_b = pl.cast(pl.read(start_pos, [c_idx]), pl.INDEX)
            pos_b = start_pos_b % COMPRESS_RATIO
            cur_window_start_b = start_pos_b - pos_b
            prev_window_start_b = cur_window_start_b - COMPRESS_RATIO
            if pos_b + S >= COMPRESS_RATIO:
                last_abs = cur_window_start_b + 3
                last_row = pl.cast(pl.read(block_table, [c_idx, last_abs // 4]), pl.INDEX) * 4 + last_abs % 4
                for hb in pl.range(HEAD_DIM // HEAD_TILE):
                    h0 = hb * HEAD_TILE
                    last_col0 = h0 + 1536
                    mi = state[last_row:last_row + 1, last_col0:last_col0 + HEAD_TILE]
                    li = pl.exp(pl.sub(mi, mi))
                    oi = state[last_row:last_row + 1, h0 + 512:h0 + 512 + HEAD_TILE]
                    for s in pl.range(4):
                        prev_abs = prev_window_start_b + s
                        if prev_abs >= 0:
                            prev_row = pl.cast(pl.read(block_table, [c_idx, prev_abs // 4]), pl.INDEX) * 4 + prev_abs % 4
                            front_score = state[prev_row:prev_row + 1, h0 + 1024:h0 + 1024 + HEAD_TILE]
                            front_kv = state[prev_row:prev_row + 1, h0:h0 + HEAD_TILE]
                            m2 = pl.maximum(mi, front_score)
                            a = pl.exp(pl.sub(mi, m2))
                            e = pl.exp(pl.sub(front_score, m2))
                            li = pl.add(pl.mul(a, li), e)
                            oi = pl.add(pl.mul(oi, a), pl.mul(front_kv, e))
                            mi = m2
                    for s in pl.range(3):
                        cur_abs = cur_window_start_b + s
                        cur_row = pl.cast(pl.read(block_table, [c_idx, cur_abs // 4]), pl.INDEX) * 4 + cur_abs % 4
                        back_score = state[cur_row:cur_row + 1, h0 + 1536:h0 + 1536 + HEAD_TILE]
                        back_kv = state[cur_row:cur_row + 1, h0 + 512:h0 + 512 + HEAD_TILE]
                        m2 = pl.maximum(mi, back_score)
                        a = pl.exp(pl.sub(mi, m2))
                        e = pl.exp(pl.sub(back_score, m2))
                        li = pl.add(pl.mul(a, li), e)
                        oi = pl.add(pl.mul(oi, a), pl.mul(back_kv, e))
                        mi = m2
                    pooled_chunk = pl.div(oi, li)
                    pooled_kv[c_idx:c_idx + 1, h0:h0 + HEAD_TILE] = pooled_chunk
"""


def test_example_d_range_form_does_not_carry_mi_li_oi_across_batches(tmp_path: Path) -> None:
    m = load(tmp_path, EXAMPLE_D)
    (ci,) = loop_by_index(m, "ci")
    (hb,) = loop_by_index(m, "hb")
    s1, s2 = loop_by_index(m, "s")
    assert carries(ci) == [] and tensor_carries(ci) == ["pooled_kv"]
    assert carries(hb) == [] and tensor_carries(hb) == ["pooled_kv"]
    assert carries(s1) == ["li", "mi", "oi"]
    assert carries(s2) == ["li", "mi", "oi"]
    assert [v.owner for v in s2.iter_args] == [s1] * 3  # init: the first loop's results
    gate, inner = ifs(m)
    assert list(gate.results) == []  # pooled_kv is memory: no phi; last_abs etc. none
    assert [r.name_hint for r in inner.results] == ["li", "mi", "oi"]


def test_example_d_imported_range_form_passes_check_carried(tmp_path: Path) -> None:
    from ptoc.api import run_pipeline

    m = load(tmp_path, EXAMPLE_D)
    run_pipeline(m, "pto-check-carried")  # nothing crosses batches: no diagnostic


def test_example_e_unroll_form_makes_dead_carries_in_a_later_scope(tmp_path: Path) -> None:
    m = load(tmp_path, SEEDISH + """
@pl.jit
def k(start_pos: pl.Tensor[[B], pl.INT32], x: pl.Tensor[[B, 64], pl.FP32],
      kv: pl.Out[pl.Tensor[[B, 64], pl.FP32]]):
    for cg in pl.spmd(B // POOL_GROUP, name_hint="softmax_pool"):
        for ci in pl.unroll(POOL_GROUP):
            c_idx = cg * POOL_GROUP + ci
            start_pos_b = pl.cast(pl.read(start_pos, [c_idx]), pl.INDEX)
            pos_b = start_pos_b % COMPRESS_RATIO
            kv[c_idx:c_idx + 1, 0:64] = x[pos_b:pos_b + 1, 0:64]
    for t in pl.spmd(B // RMS_TILE, name_hint="kv_and_cache_write"):
        batch_base = t * RMS_TILE
        for inner in pl.range(RMS_TILE):
            c_idx = batch_base + inner
            start_pos_b = pl.cast(pl.read(start_pos, [c_idx]), pl.INDEX)
            pos_b = start_pos_b % COMPRESS_RATIO
            kv[c_idx:c_idx + 1, 0:64] = x[pos_b:pos_b + 1, 0:64]
""")
    (lp,) = loop_by_index(m, "inner")
    assert carries(lp) == ["c_idx", "pos_b", "start_pos_b"]
    assert tensor_carries(lp) == ["kv"]


def test_example_e_range_form_has_no_dead_carries(tmp_path: Path) -> None:
    m = load(tmp_path, SEEDISH + """
@pl.jit
def k(start_pos: pl.Tensor[[B], pl.INT32], x: pl.Tensor[[B, 64], pl.FP32],
      kv: pl.Out[pl.Tensor[[B, 64], pl.FP32]]):
    for cg in pl.spmd(B // POOL_GROUP, name_hint="softmax_pool"):
        for ci in pl.range(POOL_GROUP):
            c_idx = cg * POOL_GROUP + ci
            start_pos_b = pl.cast(pl.read(start_pos, [c_idx]), pl.INDEX)
            kv[c_idx:c_idx + 1, 0:64] = x[start_pos_b:start_pos_b + 1, 0:64]
    for t in pl.spmd(B // RMS_TILE, name_hint="kv_and_cache_write"):
        for inner in pl.range(RMS_TILE):
            c_idx = t * RMS_TILE + inner
            start_pos_b = pl.cast(pl.read(start_pos, [c_idx]), pl.INDEX)
            kv[c_idx:c_idx + 1, 0:64] = x[start_pos_b:start_pos_b + 1, 0:64]
""")
    (lp,) = loop_by_index(m, "inner")
    assert carries(lp) == []


def test_inline_callee_store_through_parameter_carries_the_callers_tensor(tmp_path: Path) -> None:
    m = load(tmp_path, """
@pl.jit.inline
def put(i, src, dst):
    dst[i:i + 1, 0:64] = src[i:i + 1, 0:64]


@pl.jit
def k(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        for i in pl.range(8):
            put(i, x, y)
""")
    (lp,) = loops(m)
    assert tensor_carries(lp) == ["y"]


def test_spmd_for_variable_stays_bound_after_the_scope(tmp_path: Path) -> None:
    # the spmd for-form binds its variable by an assignment at the top of the scope
    with pytest.raises(FrontendError, match="'c' was last assigned in task scope 'a'"):
        load(tmp_path, kernel("""
            for c in pl.spmd(4, name_hint="a"):
                y[c:c + 1, 0:64] = x[c:c + 1, 0:64]
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="b"):
                y[c:c + 1, 0:64] = x[0:1, 0:64]
        """))
    assert isinstance(SpmdOp, type)


def test_escaping_name_defined_in_one_branch_and_read_later_in_the_body(tmp_path: Path) -> None:
    m = load(tmp_path, kernel("""
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            base = x[0:1, 0:64]
            for i in pl.range(4):
                v = pl.cast(pl.read(n, [i]), pl.INDEX)
                if v > 0:
                    hit = x[i:i + 1, 0:64]
                y[i:i + 1, 0:64] = hit
            y[0:1, 0:64] = pl.add(hit, base)
    """))
    assert carries(loops(m)[0]) == ["hit"]
