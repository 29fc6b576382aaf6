"""How much time can each kind of structure buy per MAC removed? Latency cut / MACs cut of hand-made ResNet-56 variants.

The strong path decides *which* channels go; this benchmark asks what the best-shaped removals could give at all, with
accuracy set aside (channels are kept by index, not by any judge). Each variant of the BN-folded pretrained CIFAR ResNet-56
is timed against the folded dense model in this one process: eager PyTorch and ONNX Runtime, batch 1 and 64, one thread,
interleaved runs of alternating order (`red_nb.core.median_times`), medians, load recorded; each measurement is made in
`--blocks` separate blocks and the ratio given is the median of the blocks', with their range (this machine is shared).

  internal{16,32,64}_half   every block of one stage keeps 8/16/32 of its inner channels (clean widths: multiples of 8)
  internal32_64_half        the same in stages 2 and 3
  stream3_minus16           the residual stream loses the 16 channels that only stage 3 carries (64 -> 48 there)
  stream3_minus16_int64     and stage 3's inner channels halved
  drop3_stage{1,3}          three whole blocks of stage 1 (or 3) removed (branch replaced by its shortcut)

    latency cut = 1 - t(variant) / t(dense folded)      ratio = latency cut / MACs cut

Writes bench/results/ratio_ceiling.json (schema red_nb.bench/1). About 10 minutes on one quiet core.

    python bench/ratio_ceiling.py [--runs 20] [--blocks 3]
"""
import os, tempfile
from statistics import median
from pathlib import Path
import torch
from common import parser, RESULTS, ort_callable

def variants(dense, x):
    "{name: model} of the hand-made variants described above"
    from red_nb.channels import channel_groups, apply_plans, Plan
    from red_nb.budget import stream_group
    from red_nb.depth import residual_blocks, remove_blocks
    gs = channel_groups(dense, x).mergeable()
    inner = [g for g in gs if not stream_group(g)]
    stream = [g for g in gs if stream_group(g)]
    assert len(stream) == 1 and stream[0].size == 64, "expected one residual-stream group of 64 channels (option-A shortcuts)"
    half = lambda sizes: [Plan(g, list(range(g.size // 2))) for g in inner if g.size in sizes]
    cut16 = [Plan(stream[0], list(range(48)))]  # stream channels 48..63 exist only in stage 3 (the pads put stage 2 at 16..47)
    blocks = residual_blocks(dense, x)
    return {'internal16_half': apply_plans(dense, half({16})), 'internal32_half': apply_plans(dense, half({32})),
            'internal64_half': apply_plans(dense, half({64})), 'internal32_64_half': apply_plans(dense, half({32, 64})),
            'stream3_minus16': apply_plans(dense, cut16), 'stream3_minus16_int64': apply_plans(dense, cut16 + half({64})),
            'drop3_stage1': remove_blocks(dense, blocks[1:4]), 'drop3_stage3': remove_blocks(dense, blocks[-4:-1])}

def main():
    p = parser(__doc__)
    p.add_argument('--runs', type=int, default=20, help='timed runs at batch 1 (half as many at batch 64) per block')
    p.add_argument('--blocks', type=int, default=3, help='measurements per variant, runtime and batch; the ratio is their median, with its range')
    p.add_argument('--out', default=str(RESULTS/'ratio_ceiling.json'))
    a = p.parse_args()
    from red_nb.core import cifar_resnet, count_cost, median_times, batch_of
    from red_nb.graph import fold_bn
    from red_nb.evaluation import environment, write_result
    from red_nb.export import export_model, ort_session
    torch.set_num_threads(1)
    env = environment()
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    dense = fold_bn(cifar_resnet(56, pretrained=True).eval()).eval()
    base, rows = count_cost(dense, x).macs, []
    with tempfile.TemporaryDirectory() as d:
        export_model(dense, x, Path(d)/'dense.onnx', format='onnx')
        s_dense = ort_callable(ort_session(Path(d)/'dense.onnx', threads=1))
        for name, m in variants(dense, x).items():
            m = m.eval()
            macs_cut = 1 - count_cost(m, x).macs / base
            export_model(m, x, Path(d)/f'{name}.onnx', format='onnx')
            s_m = ort_callable(ort_session(Path(d)/f'{name}.onnx', threads=1))
            for b in (1, 64):
                xb = batch_of(x, b).contiguous()
                for rt, fns in (('eager', (dense, m)), ('onnxruntime', (s_dense, s_m))):
                    load0 = os.getloadavg()[0]
                    blocks = [median_times(list(fns), xb, repeats=a.runs if b == 1 else max(5, a.runs // 2), warmup=2) for _ in range(a.blocks)]
                    cuts = sorted(1 - tv / td for td, tv in blocks)
                    cut, td, tv = median(cuts), median(t[0] for t in blocks), median(t[1] for t in blocks)
                    rows.append(dict(variant=name, macs_cut=round(macs_cut, 4), runtime=rt, batch=b, threads=1, dense_ms=round(1e3 * td, 3),
                                     variant_ms=round(1e3 * tv, 3), latency_cut=round(cut, 4), ratio=round(cut / macs_cut, 3),
                                     ratio_min=round(cuts[0] / macs_cut, 3), ratio_max=round(cuts[-1] / macs_cut, 3), blocks=a.blocks,
                                     load=round(load0, 2), load_end=round(os.getloadavg()[0], 2)))
                    print(rows[-1], flush=True)
    settings = dict(model='fold_bn(cifar_resnet(56, pretrained=True))', runs=a.runs, blocks=a.blocks, batches=[1, 64], threads=1,
                    example_input='randn(8, 3, 32, 32), seed 0', accuracy='not measured: channels kept by index',
                    title='latency cut / MACs cut of hand-made ResNet-56 variants (the ceiling of each kind of structure), eager and ONNX Runtime, 1 thread')
    write_result(a.out, Path(a.out).stem, rows, settings, seeds=dict(example_input=0), env=env)

if __name__ == '__main__': main()
