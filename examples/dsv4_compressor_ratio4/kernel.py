"""DeepSeek-V4 decode KV compressor, ratio 4: the seed kernel written in PyPTO's `pl`.

The same kernel as kernel.mlir (same arguments, same five scopes, op for op), as a
kernel author writes it: `import pypto.language as pl`, module constants, a
`@pl.jit.inline` kernel and a `@pl.jit` entry. ptoc reads it with its frontend
(`pto-opt kernel.py`, `pto-run kernel.py`, `pto-tune kernel.py --set POOL_GROUP=1,2,4,8`).

POOL_GROUP batches share one softmax_pool task (the seed change; POOL_GROUP = 1 is the
per-batch kernel.mlir). POOL_UNROLL picks the grouping loop: True, a trace-time `pl.unroll` (every batch owns its values: the form
the seed committed); False, a runtime `pl.range` (the form the seed's author rejected).

Scratch tensors (kv_proj, score_proj, pooled, normed_kv) are parameters here, as in
kernel.mlir: the interpreter's outputs then cover them too.
"""

import pypto.language as pl

B = 64  # decode batch
S = 2  # tokens per decode step
D = 4096  # hidden size
HEAD_DIM = 512
ROPE_HEAD_DIM = 64
NOPE_DIM = HEAD_DIM - ROPE_HEAD_DIM
ROPE_HALF = ROPE_HEAD_DIM // 2
OUT_DIM = 2 * HEAD_DIM  # front half [0, 512), back half [512, 1024)
STATE_DIM = 2 * OUT_DIM  # kv [0, 1024), score [1024, 2048)
RATIO = 4  # compress ratio: tokens per compressed entry
STATE_BLOCK = 4  # rows per page of the compressor state
STATE_MAX_BLOCKS = 65
CACHE_BLOCK = 128  # rows per page of the compressed KV cache
HEAD_TILE = 64
K_TILE = 512
OUT_TILE = 64
B_TILE = 64
RMS_TILE = 16
EPS = 1e-6
HEAD_DIM_F = float(HEAD_DIM)

POOL_GROUP = 1  # batches per softmax_pool task (the seed: 2)
POOL_UNROLL = True  # group with pl.unroll (True) or pl.range (False)

assert B % POOL_GROUP == 0, "POOL_GROUP must divide the batch"

COL_BLOCKS = OUT_DIM // OUT_TILE
KV_TASKS = (B * S // B_TILE) * COL_BLOCKS
K_STEPS = D // K_TILE
HEAD_TILES = HEAD_DIM // HEAD_TILE
NOPE_TILES = NOPE_DIM // HEAD_TILE
SC_FRONT = OUT_DIM  # score columns of the front half
KV_BACK = HEAD_DIM  # kv columns of the back half
SC_BACK = OUT_DIM + HEAD_DIM  # score columns of the back half

STATE_ROWS = pl.dynamic("STATE_ROWS")
CACHE_PAGES = pl.dynamic("CACHE_PAGES")
CACHE_ROWS = pl.dynamic("CACHE_ROWS")

# Different rows of the cache block table hold different pages (inputs.py makes sure):
# pto-check-races may use it to prove the cache stores of different tasks disjoint.
PTOC_DISTINCT_ROWS = ["cache_block_table"]


@pl.jit.inline
def softmax_pool_batch(
    c_idx: pl.Scalar[pl.INDEX],
    start_pos: pl.Tensor[[B], pl.INT32],
    state_block_table: pl.Tensor[[B, STATE_MAX_BLOCKS], pl.INT32],
    state: pl.Tensor[[STATE_ROWS, STATE_DIM], pl.FP32],
    pooled: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
):
    """Online softmax over the closing window of batch c_idx -> pooled[c_idx]."""
    start = pl.cast(pl.read(start_pos, [c_idx]), pl.INDEX)
    pos = start % RATIO
    cur = start - pos  # first position of the current window
    prev = cur - RATIO  # first position of the previous window
    if pos + S >= RATIO:  # this step closes a window
        last = cur + (RATIO - 1)
        last_blk = last // STATE_BLOCK
        last_page = pl.cast(pl.read(state_block_table, [c_idx, last_blk]), pl.INDEX)
        last_off = last % STATE_BLOCK
        last_row = last_page * STATE_BLOCK + last_off
        for hb in pl.range(HEAD_TILES):
            h0 = hb * HEAD_TILE
            h_sc_back = h0 + SC_BACK
            h_kv_back = h0 + KV_BACK
            h_sc_front = h0 + SC_FRONT
            mi = state[last_row:last_row + 1, h_sc_back:h_sc_back + HEAD_TILE]
            li = pl.exp(pl.sub(mi, mi))
            oi = state[last_row:last_row + 1, h_kv_back:h_kv_back + HEAD_TILE]
            for s in pl.range(RATIO):  # the previous window's front halves
                p = prev + s
                if p >= 0:
                    blk = p // STATE_BLOCK
                    page = pl.cast(pl.read(state_block_table, [c_idx, blk]), pl.INDEX)
                    off = p % STATE_BLOCK
                    r = page * STATE_BLOCK + off
                    sc = state[r:r + 1, h_sc_front:h_sc_front + HEAD_TILE]
                    kv_t = state[r:r + 1, h0:h0 + HEAD_TILE]
                    m2 = pl.maximum(mi, sc)
                    a = pl.exp(pl.sub(mi, m2))
                    e = pl.exp(pl.sub(sc, m2))
                    li = pl.add(pl.mul(a, li), e)
                    oi = pl.add(pl.mul(oi, a), pl.mul(kv_t, e))
                    mi = m2
            for s in pl.range(RATIO - 1):  # the current window's back halves
                p = cur + s
                blk = p // STATE_BLOCK
                page = pl.cast(pl.read(state_block_table, [c_idx, blk]), pl.INDEX)
                off = p % STATE_BLOCK
                r = page * STATE_BLOCK + off
                sc = state[r:r + 1, h_sc_back:h_sc_back + HEAD_TILE]
                kv_t = state[r:r + 1, h_kv_back:h_kv_back + HEAD_TILE]
                m2 = pl.maximum(mi, sc)
                a = pl.exp(pl.sub(mi, m2))
                e = pl.exp(pl.sub(sc, m2))
                li = pl.add(pl.mul(a, li), e)
                oi = pl.add(pl.mul(oi, a), pl.mul(kv_t, e))
                mi = m2
            pooled[c_idx:c_idx + 1, h0:h0 + HEAD_TILE] = pl.div(oi, li)


@pl.jit.inline
def compressor_ratio4(
    x: pl.Tensor[[B * S, D], pl.BF16],
    wkv: pl.Tensor[[D, OUT_DIM], pl.BF16],
    wgate: pl.Tensor[[D, OUT_DIM], pl.BF16],
    ape: pl.Tensor[[RATIO, OUT_DIM], pl.FP32],
    start_pos: pl.Tensor[[B], pl.INT32],
    state_block_table: pl.Tensor[[B, STATE_MAX_BLOCKS], pl.INT32],
    state: pl.InOut[pl.Tensor[[STATE_ROWS, STATE_DIM], pl.FP32]],
    kv_proj: pl.Out[pl.Tensor[[B * S, OUT_DIM], pl.FP32]],
    score_proj: pl.Out[pl.Tensor[[B * S, OUT_DIM], pl.FP32]],
    pooled: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    norm_w: pl.Tensor[[1, HEAD_DIM], pl.FP32],
    cos: pl.Tensor[[B, ROPE_HALF], pl.FP32],
    sin: pl.Tensor[[B, ROPE_HALF], pl.FP32],
    normed_kv: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    kv: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    cache_block_table: pl.Tensor[[B, CACHE_PAGES], pl.INT32],
    cmp_kv_cache: pl.InOut[pl.Tensor[[CACHE_ROWS, HEAD_DIM], pl.BF16]],
):
    # 1. Projections on the cube cores: one [64, 64] block of kv_proj and score_proj per
    #    task, 8 K steps of 512 (the first a plain matmul), 2-stage pipelined.
    for i in pl.spmd(KV_TASKS, name_hint="kv_score_proj"):
        rblk = i // COL_BLOCKS
        cblk = i % COL_BLOCKS
        r0 = rblk * B_TILE
        n0 = cblk * OUT_TILE
        x_tile = x[r0:r0 + B_TILE, 0:K_TILE]
        wkv_tile = wkv[0:K_TILE, n0:n0 + OUT_TILE]
        wgate_tile = wgate[0:K_TILE, n0:n0 + OUT_TILE]
        kv_acc = pl.matmul(x_tile, wkv_tile, out_dtype=pl.FP32)
        score_acc = pl.matmul(x_tile, wgate_tile, out_dtype=pl.FP32)
        for kb in pl.pipeline(1, K_STEPS, stage=2):
            k0 = kb * K_TILE
            x_k = x[r0:r0 + B_TILE, k0:k0 + K_TILE]
            wkv_k = wkv[k0:k0 + K_TILE, n0:n0 + OUT_TILE]
            wgate_k = wgate[k0:k0 + K_TILE, n0:n0 + OUT_TILE]
            kv_acc = pl.matmul_acc(kv_acc, x_k, wkv_k)
            score_acc = pl.matmul_acc(score_acc, x_k, wgate_k)
        kv_proj[r0:r0 + B_TILE, n0:n0 + OUT_TILE] = kv_acc
        score_proj[r0:r0 + B_TILE, n0:n0 + OUT_TILE] = score_acc

    # 2. Scatter the new tokens into the paged state: one task, a runtime loop over the
    #    batches, a 2-stage pipelined loop over the tokens.
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="state_scatter_paged"):
        for b in pl.range(B):
            start_b = pl.cast(pl.read(start_pos, [b]), pl.INDEX)
            pos_b = start_b % RATIO
            t0 = b * S
            for s in pl.pipeline(S, stage=2):
                p = start_b + s
                blk = p // STATE_BLOCK
                page = pl.cast(pl.read(state_block_table, [b, blk]), pl.INDEX)
                off = p % STATE_BLOCK
                row = page * STATE_BLOCK + off
                tok = t0 + s
                ape_row = (pos_b + s) % RATIO
                kv_row = kv_proj[tok:tok + 1, 0:OUT_DIM]
                sc_row = score_proj[tok:tok + 1, 0:OUT_DIM]
                ape_v = ape[ape_row:ape_row + 1, 0:OUT_DIM]
                sc_row = pl.add(sc_row, ape_v)
                state[row:row + 1, 0:OUT_DIM] = kv_row
                state[row:row + 1, OUT_DIM:STATE_DIM] = sc_row

    # 3. softmax_pool: POOL_GROUP batches per task.
    #    (POOL_GROUP = 1 in the unroll form is the per-batch kernel: cg * 1 + 0 is cg.)
    for cg in pl.spmd(B // POOL_GROUP, name_hint="softmax_pool"):
        if POOL_UNROLL:
            group_base = cg * POOL_GROUP
            for ci in pl.unroll(POOL_GROUP):
                softmax_pool_batch(group_base + ci, start_pos, state_block_table, state, pooled)
        else:
            group_base = cg * POOL_GROUP
            for ci in pl.range(POOL_GROUP):
                softmax_pool_batch(group_base + ci, start_pos, state_block_table, state, pooled)

    # 4. RMS norm (eps 1e-6) and interleaved rope on the last 64 columns: 16 rows a task.
    for t in pl.spmd(B // RMS_TILE, name_hint="rmsnorm_rope"):
        r0 = t * RMS_TILE
        partial_sq = pl.full([RMS_TILE, 1], dtype=pl.FP32, value=0.0)
        for j in pl.range(HEAD_TILES):
            col = j * HEAD_TILE
            xt = pooled[r0:r0 + RMS_TILE, col:col + HEAD_TILE]
            sq = pl.mul(xt, xt)
            rs = pl.row_sum(sq)
            partial_sq = pl.add(partial_sq, rs)
        dim = pl.full([RMS_TILE, 1], dtype=pl.FP32, value=HEAD_DIM_F)
        eps = pl.full([RMS_TILE, 1], dtype=pl.FP32, value=EPS)
        ones = pl.full([RMS_TILE, 1], dtype=pl.FP32, value=1.0)
        mean = pl.div(partial_sq, dim)
        var = pl.add(mean, eps)
        rms = pl.sqrt(var)
        inv_rms = pl.div(ones, rms)
        for j in pl.range(NOPE_TILES):  # the 448 NOPE columns
            col = j * HEAD_TILE
            xt = pooled[r0:r0 + RMS_TILE, col:col + HEAD_TILE]
            w = norm_w[0:1, col:col + HEAD_TILE]
            xs = pl.row_expand_mul(xt, inv_rms)
            n = pl.col_expand_mul(xs, w)
            normed_kv[r0:r0 + RMS_TILE, col:col + HEAD_TILE] = n
        # the 64 rotary columns: out[j] = n[j] cos[j>>1] + n[j^1] sign[j] sin[j>>1]
        xr = pooled[r0:r0 + RMS_TILE, NOPE_DIM:HEAD_DIM]
        wr = norm_w[0:1, NOPE_DIM:HEAD_DIM]
        xrs = pl.row_expand_mul(xr, inv_rms)
        nr = pl.col_expand_mul(xrs, wr)
        cos_t = cos[r0:r0 + RMS_TILE, 0:ROPE_HALF]
        sin_t = sin[r0:r0 + RMS_TILE, 0:ROPE_HALF]
        jj = pl.arange(0, [RMS_TILE, ROPE_HEAD_DIM], dtype=pl.INT32)
        one_i = pl.full([RMS_TILE, ROPE_HEAD_DIM], dtype=pl.INT32, value=1)
        half = jj >> one_i
        partner = jj ^ one_i
        odd = jj & one_i
        odd2 = odd << one_i
        sign_i = odd2 - one_i  # -1 for even j, +1 for odd j
        sign = pl.cast(sign_i, pl.FP32, mode="none")
        cos_g = pl.gather(cos_t, dim=-1, index=half)
        sin_g = pl.gather(sin_t, dim=-1, index=half)
        n_sw = pl.gather(nr, dim=-1, index=partner)
        rot_a = pl.mul(nr, cos_g)
        n_sg = pl.mul(n_sw, sign)
        rot_b = pl.mul(n_sg, sin_g)
        rot = pl.add(rot_a, rot_b)
        normed_kv[r0:r0 + RMS_TILE, NOPE_DIM:HEAD_DIM] = rot

    # 5. Gated rows: kv[b] = normed_kv[b], and its bf16 copy (round to nearest even) into
    #    the cache at row page * 128 + (start // 4) % 128 (as & 127: equal for start >= 0,
    #    and provably in [0, 128) for pto-check-races).
    for t in pl.spmd(B // RMS_TILE, name_hint="kv_and_cache_write"):
        r0 = t * RMS_TILE
        for rr in pl.range(RMS_TILE):
            b_w = r0 + rr
            start_w = pl.cast(pl.read(start_pos, [b_w]), pl.INDEX)
            pos_w = start_w % RATIO
            if pos_w + S >= RATIO:
                row_v = normed_kv[b_w:b_w + 1, 0:HEAD_DIM]
                kv[b_w:b_w + 1, 0:HEAD_DIM] = row_v
                row_h = pl.cast(row_v, pl.BF16, mode="rint")
                cidx = start_w // RATIO
                cblk_w = cidx // CACHE_BLOCK
                cpage = pl.cast(pl.read(cache_block_table, [b_w, cblk_w]), pl.INDEX)
                coff = cidx & (CACHE_BLOCK - 1)
                crow = cpage * CACHE_BLOCK + coff
                cmp_kv_cache[crow:crow + 1, 0:HEAD_DIM] = row_h
    return kv, state, cmp_kv_cache


@pl.jit
def decode_compressor_ratio4(
    x: pl.Tensor[[B * S, D], pl.BF16],
    wkv: pl.Tensor[[D, OUT_DIM], pl.BF16],
    wgate: pl.Tensor[[D, OUT_DIM], pl.BF16],
    ape: pl.Tensor[[RATIO, OUT_DIM], pl.FP32],
    start_pos: pl.Tensor[[B], pl.INT32],
    state_block_table: pl.Tensor[[B, STATE_MAX_BLOCKS], pl.INT32],
    state: pl.InOut[pl.Tensor[[STATE_ROWS, STATE_DIM], pl.FP32]],
    kv_proj: pl.Out[pl.Tensor[[B * S, OUT_DIM], pl.FP32]],
    score_proj: pl.Out[pl.Tensor[[B * S, OUT_DIM], pl.FP32]],
    pooled: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    norm_w: pl.Tensor[[1, HEAD_DIM], pl.FP32],
    cos: pl.Tensor[[B, ROPE_HALF], pl.FP32],
    sin: pl.Tensor[[B, ROPE_HALF], pl.FP32],
    normed_kv: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    kv: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    cache_block_table: pl.Tensor[[B, CACHE_PAGES], pl.INT32],
    cmp_kv_cache: pl.InOut[pl.Tensor[[CACHE_ROWS, HEAD_DIM], pl.BF16]],
):
    kv, state, cmp_kv_cache = compressor_ratio4(
        x, wkv, wgate, ape, start_pos, state_block_table, state, kv_proj, score_proj, pooled,
        norm_w, cos, sin, normed_kv, kv, cache_block_table, cmp_kv_cache,
    )
    return kv, state, cmp_kv_cache
